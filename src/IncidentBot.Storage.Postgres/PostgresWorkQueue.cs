using System.Collections.Concurrent;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The work queue on one table. Claims are one statement that picks, locks (<c>FOR UPDATE SKIP LOCKED</c>) and
/// leases, so replicas claiming together never share an item nor run two items of one key.
/// </summary>
internal sealed class PostgresWorkQueue(NpgsqlDataSource dataSource, TimeProvider clock) : IWorkQueueStore
{
    /// <summary>How many keys one claim looks at, at most.</summary>
    internal const int KeysPerClaim = 128;

    /// <summary>How many keys one statement of a claim looks at, at least.</summary>
    private const int MinKeysPerStep = 16;

    /// <summary>The claim's last column: where its walk over the keys stopped.</summary>
    private const int StoppedColumn = 18;

    /// <summary>Per topic, the key this process's last claim stopped at; the next claim goes on after it.</summary>
    private readonly ConcurrentDictionary<string, string> _walkStopped = new(StringComparer.Ordinal);

    private const string AcceptSql =
        "INSERT INTO work_items (" + WorkItemRows.InsertColumns + ") VALUES (" + WorkItemRows.InsertValues + ") " +
        "ON CONFLICT (unique_key) DO NOTHING RETURNING id";

    /// <summary>An earlier pending item <c>y</c> that the later items of its key wait for: running, due, or holding the key.</summary>
    private const string Blocking = "(y.lease_until >= @now OR y.due_at <= @now OR y.holds_key)";

    /// <summary>The keys a lane <c>keys.key</c> = <c>F/L</c> waits for besides its own: <c>F</c> and <c>F/*</c>.</summary>
    private const string LaneWaitsFor = "ARRAY[split_part(keys.key, '/', 1), split_part(keys.key, '/', 1) || '/*']";

    /// <summary>The keys the whole <c>keys.key</c> = <c>F/*</c> waits for besides its own: <c>F</c> and each lane <c>F/L</c>.</summary>
    private static readonly string WholeWaitsFor =
        $"ARRAY[split_part(keys.key, '/', 1), {string.Join(", ", OrderingKeys.Lanes.Select(lane => $"split_part(keys.key, '/', 1) || '/{lane}'"))}]";

    /// <summary>
    /// A pending item of the topic whose lease is free (or ran out) runs when it is due and no earlier pending item of
    /// its key, or of a key it waits for (<see cref="OrderingKeys"/>), is running, due, or holding the key. A claim looks
    /// at up to <see cref="KeysPerClaim"/> keys, in key order from where this process's last claim of the topic stopped
    /// (<c>@after</c>, wrapping around), and takes their runnable items in the order they fell due. A row another replica
    /// locked meanwhile is skipped; one it leased and committed meanwhile fails the lease test on recheck; and the next
    /// item of a key whose head another replica just took is still behind that (due, pending) head. Every row the
    /// statement returns also carries where the walk stopped (the last key looked at when the window was full, else
    /// the empty string: start over), also when it claimed nothing.
    /// </summary>
    /// <remarks>
    /// The claim reads per key, never per pending item: testing each item against the items before it cost a probe per
    /// item, so a backlog of thousands on one key (a busy incident channel) made every claim scan all of it. The distinct
    /// keys are walked down the pending-keyed index (a loose index scan), each key contributes the first of its items
    /// that blocks the rest (running, due or holding the key; earlier ones are waiting on a later retry time and do not
    /// count), and that item is a candidate when it is itself due and free and no earlier item of a key it waits for
    /// blocks it (one probe per key it waits for, by the index, by exact key: as <c>key = ANY(…)</c> the planner sometimes
    /// read every pending item of the topic before the head instead). The walk stops after a window of keys, because a
    /// burst of declares leaves a thousand keys with an item or two each (every incident's lanes) and walking all of them on
    /// every claim made the claims the database's main work; the next claim goes on from there, so every key is looked
    /// at within a few claims however many are busy, and order by due time holds within a window. Keyless items come
    /// from their own index (migration 0007). The picked rows are then locked by their ids; their status is rechecked as
    /// <c>status + 0 = 0</c> because a plain <c>status = 0</c> matches the pending index's predicate, and without
    /// statistics the planner read that whole index to find the few ids instead of looking them up by the primary key.
    /// For the same reason a key's first blocking item is looked up as <c>key &gt;= k AND key &lt;= k ORDER BY key, id</c>:
    /// with <c>key = k</c> the order reduces to the id's, and the planner walked the primary key past every other item to
    /// find it. <c>ORDER BY … LIMIT 1</c> rather than <c>min()</c>, which the planner can answer from the wrong index while
    /// a fresh table has no statistics yet.
    /// </remarks>
    internal static readonly string ClaimSql =
        "WITH RECURSIVE keys(key, n, wrapped) AS (" +
        " (SELECT f.key, 1, f.wrapped FROM (" +
        "  (SELECT k.key, false AS wrapped FROM work_items k WHERE k.topic = @topic AND k.status = 0 AND k.key > @after ORDER BY k.key LIMIT 1)" +
        "  UNION ALL" +
        "  (SELECT k.key, true FROM work_items k WHERE k.topic = @topic AND k.status = 0 AND k.key IS NOT NULL ORDER BY k.key LIMIT 1)" +
        "  LIMIT 1) f)" +
        " UNION ALL" +
        " SELECT nxt.key, keys.n + 1, nxt.wrapped FROM keys CROSS JOIN LATERAL (" +
        "  (SELECT k.key, keys.wrapped AS wrapped FROM work_items k WHERE k.topic = @topic AND k.status = 0 AND k.key > keys.key ORDER BY k.key LIMIT 1)" +
        "  UNION ALL" +
        "  (SELECT k.key, true FROM work_items k WHERE NOT keys.wrapped AND k.topic = @topic AND k.status = 0 AND k.key IS NOT NULL ORDER BY k.key LIMIT 1)" +
        "  LIMIT 1) nxt" +
        " WHERE keys.n < @window AND NOT (nxt.wrapped AND nxt.key > @after))," +
        " candidates AS (" +
        " SELECT head.id FROM keys CROSS JOIN LATERAL (" +
        "  SELECT y.id, y.due_at, y.lease_until FROM work_items y" +
        "  WHERE y.topic = @topic AND y.status = 0 AND y.key >= keys.key AND y.key <= keys.key AND " + Blocking +
        "  ORDER BY y.key, y.id LIMIT 1) head" +
        " WHERE head.due_at <= @now AND (head.lease_until IS NULL OR head.lease_until < @now)" +
        " AND (strpos(keys.key, '/') = 0 OR NOT EXISTS (" +
        "  SELECT 1 FROM unnest(CASE WHEN right(keys.key, 2) = '/*' THEN " + WholeWaitsFor + " ELSE " + LaneWaitsFor + " END) AS waits(key)" +
        "  CROSS JOIN LATERAL (SELECT 1 FROM work_items y" +
        "  WHERE y.topic = @topic AND y.status = 0 AND y.key >= waits.key AND y.key <= waits.key AND y.id < head.id AND " + Blocking +
        "  LIMIT 1) blocker))" +
        " UNION ALL" +
        " (SELECT w.id FROM work_items w" +
        "  WHERE w.topic = @topic AND w.status = 0 AND w.key IS NULL AND w.due_at <= @now" +
        "  AND (w.lease_until IS NULL OR w.lease_until < @now)" +
        "  ORDER BY w.due_at, w.id LIMIT @max))," +
        " picked AS (" +
        " SELECT w.id FROM work_items w" +
        " WHERE w.id = ANY(ARRAY(SELECT id FROM candidates)) AND w.status + 0 = 0 AND (w.lease_until IS NULL OR w.lease_until < @now)" +
        " ORDER BY w.due_at, w.id" +
        " LIMIT @max" +
        " FOR UPDATE OF w SKIP LOCKED)," +
        " claimed AS (" +
        " UPDATE work_items t SET lease_owner = @owner, lease_until = @until," +
        " attempts = t.attempts + CASE WHEN t.lease_owner = @owner THEN 0 ELSE 1 END" +
        " FROM picked WHERE t.id = picked.id" +
        " RETURNING t.id, t.topic, t.key, t.kind, t.payload, t.unique_key, t.incident_id, t.status, t.created_at, t.due_at," +
        " t.holds_key, t.attempts, t.last_error, t.result, t.completed_at, t.lease_owner, t.lease_until, t.trace_parent)" +
        " SELECT claimed.*, walk.stopped FROM" +
        " (SELECT CASE WHEN max(n) >= @window THEN (array_agg(key ORDER BY n DESC))[1] ELSE '' END AS stopped FROM keys) walk" +
        " LEFT JOIN claimed ON true";

    private const string RenewSql =
        "UPDATE work_items SET lease_until = @until " +
        "WHERE id = ANY(@ids) AND status = 0 AND lease_owner = @owner RETURNING id";

    private const string RetrySql =
        "UPDATE work_items SET due_at = @due_at, holds_key = @holds_key, last_error = @last_error, " +
        "attempts = CASE WHEN @counts THEN attempts ELSE GREATEST(attempts - 1, 0) END, " +
        "lease_owner = NULL, lease_until = NULL " +
        "WHERE id = @id AND status = 0 AND lease_owner = @owner RETURNING id";

    private const string ParkSql =
        "UPDATE work_items SET status = 2, completed_at = @now, last_error = @last_error, holds_key = false, " +
        "lease_owner = NULL, lease_until = NULL " +
        "WHERE id = @id AND status = 0 AND lease_owner = @owner RETURNING id";

    private const string FindSql = "SELECT " + WorkItemRows.Columns + " FROM work_items WHERE id = @id";

    private const string ListSql =
        "SELECT " + WorkItemRows.Columns + " FROM work_items WHERE (@topic IS NULL OR topic = @topic) AND status = @status " +
        "ORDER BY id LIMIT @take";

    private const string HealthSql =
        "SELECT (SELECT count(*) FROM work_items WHERE status = 2), " +
        "(SELECT count(*) FROM work_items WHERE status = 0 AND due_at <= @now), " +
        "(SELECT min(due_at) FROM work_items WHERE status = 0 AND due_at <= @now)";

    private const string BacklogSql =
        "SELECT topic, count(*) FILTER (WHERE status = 0 AND due_at <= @now), min(due_at) FILTER (WHERE status = 0 AND due_at <= @now), " +
        "count(*) FILTER (WHERE status = 2) FROM work_items WHERE status IN (0, 2) GROUP BY topic ORDER BY topic";

    private const string RetryParkedSql =
        "UPDATE work_items SET status = 0, due_at = @now, attempts = 0, holds_key = false, completed_at = NULL, " +
        "lease_owner = NULL, lease_until = NULL WHERE id = @id AND status = 2 RETURNING id";

    private const string DiscardParkedSql =
        "UPDATE work_items SET status = 3, completed_at = @now WHERE id = @id AND status = 2 RETURNING id";

    private const string PurgeSql = "DELETE FROM work_items WHERE status IN (1, 3) AND completed_at < @before";

    public async Task<bool> AcceptAsync(WorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await using var command = dataSource.CreateCommand(AcceptSql);
        WorkItemRows.AddParameters(command.Parameters, item, PostgresTime.Now(clock));
        if (await command.ExecuteScalarAsync(cancellationToken) is not long id)
        {
            return false;
        }

        item.Id = id;
        return true;
    }

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string topic, string owner, DateTime now, TimeSpan lease, int max,
        CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        now = PostgresTime.ToUtc(now);

        // A few keys per wanted item at a time, going on while too few were found, up to KeysPerClaim keys in all:
        // claims come as runs finish, often for one item, and walking the whole window for each was most of the
        // database's work while thousands of message keys were pending.
        var claimed = new List<WorkItem>();
        for (var walked = 0; walked < KeysPerClaim && claimed.Count < max;)
        {
            var window = Math.Min(Math.Max(4 * (max - claimed.Count), MinKeysPerStep), KeysPerClaim - walked);
            var walkEnded = await ClaimStepAsync(topic, owner, now, lease, max - claimed.Count, window, claimed, cancellationToken);
            walked += window;
            if (walkEnded)
            {
                break;
            }
        }

        // UPDATE ... RETURNING does not keep the picking order.
        return claimed.OrderBy(i => i.DueAt).ThenBy(i => i.Id).ToList();
    }

    /// <summary>One claim statement over <paramref name="window"/> keys; true when its walk reached the last key (the next starts over).</summary>
    private async Task<bool> ClaimStepAsync(string topic, string owner, DateTime now, TimeSpan lease, int max, int window, List<WorkItem> claimed,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddText("topic", topic)
            .AddText("owner", owner)
            .AddTime("now", now)
            .AddTime("until", now + lease)
            .AddInt("max", max)
            .AddText("after", _walkStopped.GetValueOrDefault(topic, ""))
            .AddInt("window", window);
        var stopped = string.Empty;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stopped = reader.GetString(StoppedColumn);
            if (!reader.IsDBNull(0))
            {
                claimed.Add(WorkItemRows.Read(reader));
            }
        }

        _walkStopped[topic] = stopped;
        return stopped.Length == 0;
    }

    public async Task<IReadOnlyList<long>> RenewAsync(string owner, IReadOnlyCollection<long> ids, DateTime until, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.AddBigintArray("ids", ids)
            .AddText("owner", owner)
            .AddTime("until", until);
        var held = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(reader.GetInt64(0));
        }

        return ids.Where(id => !held.Contains(id)).Distinct().ToList();
    }

    public async Task<bool> RetryAsync(WorkRetry retry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retry);
        await using var command = dataSource.CreateCommand(retry.Park ? ParkSql : RetrySql);
        command.Parameters.AddBigint("id", retry.Id)
            .AddText("owner", retry.Owner)
            .AddText("last_error", WorkItemRows.Clip(retry.Reason, WorkItemRows.MaxError));
        if (retry.Park)
        {
            command.Parameters.AddTime("now", PostgresTime.Now(clock));
        }
        else
        {
            command.Parameters.AddTime("due_at", retry.DueAt)
                .AddBool("holds_key", retry.HoldsKey)
                .AddBool("counts", retry.CountsAsAttempt);
        }

        return await command.ExecuteScalarAsync(cancellationToken) is long;
    }

    public async Task<WorkItem?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.AddBigint("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? WorkItemRows.Read(reader) : null;
    }

    public async Task<IReadOnlyList<WorkItem>> ListAsync(string? topic, WorkStatus status, int take, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.AddText("topic", topic).AddInt("status", (int)status).AddInt("take", Math.Max(0, take));
        var items = new List<WorkItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(WorkItemRows.Read(reader));
        }

        return items;
    }

    public async Task<QueueHealth> HealthAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(HealthSql);
        command.Parameters.AddTime("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new QueueHealth((int)reader.GetInt64(0), (int)reader.GetInt64(1), PostgresTime.ReadNullable(reader, 2));
    }

    public async Task<IReadOnlyList<TopicBacklog>> BacklogAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(BacklogSql);
        command.Parameters.AddTime("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var backlog = new List<TopicBacklog>();
        while (await reader.ReadAsync(cancellationToken))
        {
            backlog.Add(new TopicBacklog(reader.GetString(0), (int)reader.GetInt64(1), PostgresTime.ReadNullable(reader, 2), (int)reader.GetInt64(3)));
        }

        return backlog;
    }

    public async Task<bool> RetryParkedAsync(long id, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RetryParkedSql);
        command.Parameters.AddBigint("id", id).AddTime("now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is long;
    }

    public async Task<bool> DiscardParkedAsync(long id, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DiscardParkedSql);
        command.Parameters.AddBigint("id", id).AddTime("now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is long;
    }

    public async Task<int> PurgeAsync(DateTime before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PurgeSql);
        command.Parameters.AddTime("before", before);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
