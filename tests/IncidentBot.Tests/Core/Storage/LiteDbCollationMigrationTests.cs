using System.Globalization;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using LiteDB;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Files created before the collation was chosen compare strings by the culture, ignoring case. The upgrade copies
/// them to compare byte for byte, keeps every document, and adds the index that finds the open incidents.
/// </summary>
public class LiteDbCollationMigrationTests
{
    private const int SettledWork = 3000;

    [Fact]
    public async Task AFileWithTheCulturesCollation_IsCopiedOrdinal_KeepingItsIncidentsAndWork_AndGetsTheOpenIndex()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        int open, resolved;
        await using (var core = await CoreHarness.StartAsync(db))
        {
            open = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"))).Number;
            resolved = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Login slow", "SEV3"))).Number;
            await core.SendAsync(new ResolveIncident(CoreHarness.Alice, resolved, "fixed"));
        }

        // Back to the shape of a file from before: the culture's case-insensitive collation, no Open index, schema 2,
        // and more settled work than LiteDB's own rebuild copes with (2,550 documents in a collection with an index).
        using (var file = new LiteDatabase(new ConnectionString { Filename = db.Path! }, LiteDbMapper.Create()))
        {
            file.Rebuild(new LiteDB.Engine.RebuildOptions { Collation = new Collation(CultureInfo.GetCultureInfo("en-US").LCID, CompareOptions.IgnoreCase) });
            file.GetCollection("incidents").DropIndex("Open");
            file.GetCollection("work").EnsureIndex("UniqueKey", "$.UniqueKey");
            file.GetCollection<WorkItem>("work").InsertBulk(Enumerable.Range(0, SettledWork).Select(i => new WorkItem
            {
                Topic = "inbox.slack", Key = "slack:C1", Kind = "command", Payload = "{}", UniqueKey = $"slack:Ev{i}",
                Status = WorkStatus.Done, CreatedAt = TestTime.Start.UtcDateTime, DueAt = TestTime.Start.UtcDateTime, CompletedAt = TestTime.Start.UtcDateTime,
            }));
            file.UserVersion = 2;
            Assert.Equal(CompareOptions.IgnoreCase, file.Collation.SortOptions);
        }

        await using (var core = await CoreHarness.StartAsync(db))
        {
            var listed = await core.SendAsync(new ListOpenIncidents(CoreHarness.Alice));
            Assert.Equal([open], listed.Items.Select(i => i.Number));
            Assert.Equal("Login slow", (await core.SendAsync(new GetIncident(CoreHarness.Alice, resolved))).Summary.Title);
        }

        using (var file = new LiteDatabase(new ConnectionString { Filename = db.Path! }))
        {
            Assert.Equal(CompareOptions.Ordinal, file.Collation.SortOptions);
            Assert.Equal(LiteDbSchema.CurrentVersion, file.UserVersion);
            var indexes = file.GetCollection("$indexes").FindAll().Select(i => $"{i["collection"].AsString}.{i["name"].AsString}").ToList();
            Assert.Contains("incidents.Open", indexes);
            Assert.DoesNotContain("work.Status", indexes);
            Assert.DoesNotContain("work.UniqueKey", indexes);
            Assert.Equal(SettledWork, file.GetCollection("work").Count(Query.EQ("Status", nameof(WorkStatus.Done))));
            Assert.True(File.Exists(db.Path + ".before-upgrade"));
            File.Delete(db.Path + ".before-upgrade");

            // Byte for byte: a key differing only in case is another key.
            var people = file.GetCollection("people");
            people.Insert(new BsonDocument { ["_id"] = "slack:UCASE" });
            Assert.Null(people.FindById("slack:ucase"));
        }
    }
}
