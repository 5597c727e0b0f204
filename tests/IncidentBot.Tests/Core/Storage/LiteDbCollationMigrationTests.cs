using System.Globalization;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;
using LiteDB;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Files created before the collation was chosen compare strings by the culture, ignoring case. The upgrade rebuilds
/// them to compare byte for byte, keeps every document, and adds the index that finds the open incidents.
/// </summary>
public class LiteDbCollationMigrationTests
{
    [Fact]
    public async Task AFileWithTheCulturesCollation_IsRebuiltOrdinal_KeepingItsIncidents_AndGetsTheOpenIndex()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        int open, resolved;
        await using (var core = await CoreHarness.StartAsync(db))
        {
            open = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"))).Number;
            resolved = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Login slow", "SEV3"))).Number;
            await core.SendAsync(new ResolveIncident(CoreHarness.Alice, resolved, "fixed"));
        }

        // Back to the shape of a file from before: the culture's case-insensitive collation, no Open index, schema 2.
        using (var file = new LiteDatabase(new ConnectionString { Filename = db.Path! }))
        {
            file.Rebuild(new LiteDB.Engine.RebuildOptions { Collation = new Collation(CultureInfo.GetCultureInfo("en-US").LCID, CompareOptions.IgnoreCase) });
            file.GetCollection("incidents").DropIndex("Open");
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
            Assert.Equal(IncidentBot.Storage.LiteDb.LiteDbSchema.CurrentVersion, file.UserVersion);
            var indexes = file.GetCollection("$indexes").Find(Query.EQ("collection", "incidents")).Select(i => i["name"].AsString);
            Assert.Contains("Open", indexes);

            // Byte for byte: a key differing only in case is another key.
            var people = file.GetCollection("people");
            people.Insert(new BsonDocument { ["_id"] = "slack:UCASE" });
            Assert.Null(people.FindById("slack:ucase"));
        }
    }
}
