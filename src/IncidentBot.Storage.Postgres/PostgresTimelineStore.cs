using System.Runtime.CompilerServices;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Timeline entries and edits, stored beside their incident (written by <see cref="PostgresChangeStore"/>).</summary>
internal sealed class PostgresTimelineStore(NpgsqlDataSource dataSource) : ITimelineStore
{
    private const string ListSql =
        "SELECT id, incident_id, body FROM timeline_entries WHERE incident_id = @incident_id ORDER BY occurred_at, id";

    /// <summary>A page after a position: the (incident_id, occurred_at, id) index walks straight to it.</summary>
    private const string PageSql =
        "SELECT id, incident_id, body, occurred_at FROM timeline_entries " +
        "WHERE incident_id = @incident_id AND (occurred_at, id) > (@after_at, @after_id) ORDER BY occurred_at, id LIMIT @take";

    private const int PageSize = 1_000;

    private const string FindSql =
        "SELECT id, incident_id, body FROM timeline_entries WHERE incident_id = @incident_id AND id = @id";

    private const string CapturedSql =
        "SELECT id FROM timeline_entries WHERE incident_id = @incident_id AND external_id = @external_id";

    private const string EditsSql =
        "SELECT id, incident_id, body FROM timeline_edits WHERE incident_id = @incident_id ORDER BY at, id";

    public async Task<IReadOnlyList<TimelineEntry>> ListAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        return await ReadAllAsync(command, Entry, cancellationToken);
    }

    /// <summary>Each page on a connection of its own, given back before the entries are consumed: a slow reader of a long export holds none.</summary>
    public async IAsyncEnumerable<TimelineEntry> ReadAsync(long incidentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var afterAt = DateTime.MinValue;
        var afterId = long.MinValue;
        while (true)
        {
            List<TimelineEntry> page;
            await using (var command = dataSource.CreateCommand(PageSql))
            {
                command.Parameters.AddBigint("incident_id", incidentId).AddTime("after_at", afterAt).AddBigint("after_id", afterId).AddInt("take", PageSize);
                page = await ReadAllAsync(command, reader =>
                {
                    // The column's own value, not the body's: the body keeps ticks the column rounds to microseconds.
                    afterAt = reader.GetDateTime(3);
                    afterId = reader.GetInt64(0);
                    return Entry(reader);
                }, cancellationToken);
            }

            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    public async Task<TimelineEntry?> FindAsync(long incidentId, long entryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddBigint("id", entryId);
        return (await ReadAllAsync(command, Entry, cancellationToken)).FirstOrDefault();
    }

    public async Task<long?> FindCapturedAsync(long incidentId, string externalId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CapturedSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddText("external_id", externalId);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    public async Task<IReadOnlyList<TimelineEdit>> EditsAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EditsSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        return await ReadAllAsync(command, Edit, cancellationToken);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>A row of (id, incident_id, body, …); the columns are the truth for the ids.</summary>
    private static TimelineEntry Entry(NpgsqlDataReader reader)
    {
        var entry = PostgresJson.Deserialize<TimelineEntry>(reader.GetString(2));
        entry.Id = reader.GetInt64(0);
        entry.IncidentId = reader.GetInt64(1);
        return entry;
    }

    private static TimelineEdit Edit(NpgsqlDataReader reader)
    {
        var edit = PostgresJson.Deserialize<TimelineEdit>(reader.GetString(2));
        edit.Id = reader.GetInt64(0);
        edit.IncidentId = reader.GetInt64(1);
        return edit;
    }
}
