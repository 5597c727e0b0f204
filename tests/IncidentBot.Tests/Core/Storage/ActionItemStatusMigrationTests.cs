using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using LiteDB;
using Npgsql;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Follow-ups stored before they had a status carried a <c>Done</c> flag: after the upgrade they read as done or open.
/// The stored documents are put back in their old shape by hand, then the upgrade step runs on them.
/// </summary>
public class ActionItemStatusMigrationTests
{
    private static async Task<int> IncidentWithTwoFollowUpsAsync(TestDatabase db)
    {
        await using var core = await CoreHarness.StartAsync(db);
        var n = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"))).Number;
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "alert on error rate"));
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "write the runbook"));
        await core.SendAsync(new CloseActionItem(CoreHarness.Alice, n, 1, ActionItemStatus.Done));
        return n;
    }

    private static async Task AssertReadAsDoneAndOpenAsync(TestDatabase db, int number)
    {
        await using var core = await CoreHarness.StartAsync(db);
        var items = (await core.SendAsync(new GetIncident(CoreHarness.Alice, number))).ActionItems;
        Assert.Equal([ActionItemStatus.Done, ActionItemStatus.Open], items.Select(a => a.Status));
    }

    [SkippableFact]
    public async Task LiteDb_OldDoneFlags_ReadAsDoneAndOpen()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        var number = await IncidentWithTwoFollowUpsAsync(db);

        using (var file = new LiteDatabase(new ConnectionString { Filename = db.Path! }))
        {
            var incidents = file.GetCollection("incidents");
            var doc = incidents.FindAll().Single();
            foreach (var item in doc["ActionItems"].AsArray.Select(i => i.AsDocument))
            {
                item["Done"] = item["Status"].AsString == "Done";
                item.Remove("Status");
            }

            incidents.Update(doc);
            file.UserVersion = 1;
        }

        await AssertReadAsDoneAndOpenAsync(db, number);
    }

    [SkippableFact]
    public async Task Postgres_OldDoneFlags_ReadAsDoneAndOpen()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var number = await IncidentWithTwoFollowUpsAsync(db);
        var script = typeof(PostgresStorage).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("0005_action_item_status.sql", StringComparison.Ordinal));
        string sql;
        using (var reader = new StreamReader(typeof(PostgresStorage).Assembly.GetManifestResourceStream(script)!))
        {
            sql = await reader.ReadToEndAsync();
        }

        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            const string OldShape = """
                UPDATE incidents SET body = jsonb_set(body, '{ActionItems}', (
                    SELECT jsonb_agg((item - 'Status') || jsonb_build_object('Done', item->>'Status' = 'Done') ORDER BY position)
                    FROM jsonb_array_elements(body->'ActionItems') WITH ORDINALITY AS items(item, position)))
                """;
            await using (var old = new NpgsqlCommand(OldShape, connection))
            {
                Assert.Equal(1, await old.ExecuteNonQueryAsync());
            }

            await using var upgrade = new NpgsqlCommand(sql, connection);
            Assert.Equal(1, await upgrade.ExecuteNonQueryAsync());
        }

        await AssertReadAsDoneAndOpenAsync(db, number);
    }
}
