using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Migrations are hand-written SQL (no EF design-time tooling here), so this is what keeps them honest: a database
/// built by the migrations must have exactly the schema the EF model would create, on each provider.
/// </summary>
public class SchemaTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task MigratedSchema_EqualsTheModelsSchema(string provider)
    {
        await using var migratedDb = await TestDatabases.CreateAsync(provider);
        await using var modelDb = await TestDatabases.CreateAsync(provider);
        await using var migrated = await CoreHarness.StartAsync(migratedDb);
        await using var fromModel = await CoreHarness.StartAsync(modelDb);

        var expected = await fromModel.WithDbAsync(async db =>
        {
            await db.Database.EnsureDeletedAsync();
            await db.Database.EnsureCreatedAsync();
            return await DescribeAsync(db);
        });
        var actual = await migrated.WithDbAsync(DescribeAsync);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Migrating_Twice_IsHarmless(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var first = await CoreHarness.StartAsync(db);
        await using var second = await CoreHarness.StartAsync(db);

        var applied = await second.WithDbAsync(d => d.Database.GetAppliedMigrationsAsync());

        Assert.Equal(["20261121000000_Initial", "20261122000000_Deliveries", "20261122010000_ConversationReferences", "20261122020000_Reviews"], applied);
        if (provider == "Sqlite")
        {
            var mode = await second.WithDbAsync(d => d.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync());
            Assert.Equal("wal", Assert.Single(mode));
        }
    }

    private static async Task<List<string>> DescribeAsync(IncidentDbContext db)
    {
        var sql = db.Database.IsSqlite()
            ? """
              SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p."notnull" || ' pk=' || p.pk AS "Value"
              FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\' AND m.name NOT LIKE 'sqlite_%'
              UNION ALL
              SELECT 'index ' || name || ' ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
              """
            : """
              SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || COALESCE(character_maximum_length::text, '') || ' nullable=' || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || COALESCE(is_identity, '') AS "Value"
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
              UNION ALL
              SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
              """;
        var rows = await db.Database.SqlQueryRaw<string>(sql).ToListAsync();
        return rows.Order(StringComparer.Ordinal).ToList();
    }
}
