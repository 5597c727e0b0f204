using System.Text.Json;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// How much a claim reads, from PostgreSQL's own account of running it (<c>EXPLAIN ANALYZE</c>, rolled back): a count of
/// rows, not a time. A busy incident channel queues thousands of deliveries on one key while its head runs; a claim
/// that tested every pending item against the ones before it read all of them on each call, and ingestion into one
/// incident fell to a couple of events a second.
/// </summary>
public class PostgresClaimPlanTests
{
    private const int Backlog = 2_000;

    [SkippableFact]
    public async Task Claim_BehindARunningHeadWithThousandsQueuedOnItsKey_ReadsAHandfulOfRows_NotTheBacklog()
    {
        TestDatabases.RequirePostgres();
        await using var s = await StoreSession.OpenAsync(TestDatabases.Postgres);
        await AcceptAllAsync(s.Store, Work("head", "C-busy", s.Now));
        await AcceptAllAsync(s.Store, Enumerable.Range(1, Backlog).Select(i => Work($"queued {i}", "C-busy", s.Now)).ToArray());
        await AcceptAllAsync(s.Store, Work("quiet channel", "C-quiet", s.Now), Work("timer", null, s.Now));

        var head = Assert.Single(await ClaimAsync(s, max: 1));
        Assert.Equal("head", head.Payload);

        var (claimed, rowsRead, plan) = await ExplainClaimAsync(s, max: 10);

        Assert.Equal(2, claimed); // the quiet channel and the timer; the busy channel's next item waits for its head
        Assert.True(rowsRead < 100, $"The claim read {rowsRead} rows with {Backlog} queued behind a running head:{Environment.NewLine}{plan}");
    }

    [SkippableFact]
    public async Task Claim_AmongThousandsOfShortKeys_ReadsAWindowOfKeys_NotEveryKey()
    {
        // A burst of declares leaves a few items on each of a thousand keys (each incident's lanes); walking every key on
        // every claim made each claim cost the whole backlog's keys, and the claims took the database's time.
        TestDatabases.RequirePostgres();
        await using var s = await StoreSession.OpenAsync(TestDatabases.Postgres);
        await AcceptAllAsync(s.Store, Enumerable.Range(1, Backlog).Select(i => Work($"item {i}", $"incident:{i}/posts", s.Now)).ToArray());

        var (claimed, _, plan) = await ExplainClaimAsync(s, max: 8);

        Assert.Equal(8, claimed);
        var keysWalked = KeysWalked(JsonDocument.Parse(plan).RootElement[0].GetProperty("Plan"));
        Assert.True(keysWalked <= PostgresWorkQueue.KeysPerClaim, $"The claim looked at {keysWalked} of {Backlog} keys:{Environment.NewLine}{plan}");
    }

    /// <summary>Runs the claim under <c>EXPLAIN (ANALYZE, FORMAT JSON)</c> in a transaction that is rolled back.</summary>
    private static async Task<(long Claimed, long RowsRead, string Plan)> ExplainClaimAsync(StoreSession s, int max)
    {
        await using var connection = new NpgsqlConnection(s.Database.ConnectionString);
        await connection.OpenAsync();
        // Statistics as autovacuum keeps them on a live queue; without any, the planner may read a small fresh table
        // whole, which says nothing about the claim's shape.
        await using (var analyze = new NpgsqlCommand("ANALYZE work_items", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + PostgresWorkQueue.ClaimSql, connection, transaction);
        command.Parameters.AddWithValue("topic", Topic);
        command.Parameters.AddWithValue("owner", "owner-2");
        command.Parameters.AddWithValue("now", s.Now);
        command.Parameters.AddWithValue("until", s.Now.AddMinutes(1));
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("after", "");
        command.Parameters.AddWithValue("window", PostgresWorkQueue.KeysPerClaim);
        var json = (string)(await command.ExecuteScalarAsync())!;
        await transaction.RollbackAsync();

        using var plan = JsonDocument.Parse(json);
        var root = plan.RootElement[0].GetProperty("Plan");
        return (root.GetProperty("Actual Rows").GetInt64(), RowsRead(root), json);
    }

    /// <summary>The rows of the walk over the keys (the plan's recursive union): one per key looked at.</summary>
    private static long KeysWalked(JsonElement node) =>
        node.GetProperty("Node Type").GetString() == "Recursive Union"
            ? node.GetProperty("Actual Rows").GetInt64()
            : node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().Sum(KeysWalked) : 0;

    /// <summary>Rows each node produced or filtered away, times its loops, over the whole plan.</summary>
    private static long RowsRead(JsonElement node)
    {
        var loops = node.GetProperty("Actual Loops").GetInt64();
        var rows = node.GetProperty("Actual Rows").GetInt64();
        foreach (var removed in new[] { "Rows Removed by Filter", "Rows Removed by Index Recheck", "Rows Removed by Join Filter" })
        {
            if (node.TryGetProperty(removed, out var count))
            {
                rows += count.GetInt64();
            }
        }

        var total = rows * loops;
        if (node.TryGetProperty("Plans", out var children))
        {
            total += children.EnumerateArray().Sum(RowsRead);
        }

        return total;
    }
}
