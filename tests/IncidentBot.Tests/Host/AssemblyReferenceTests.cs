using System.Reflection;

namespace IncidentBot.Tests.Host;

/// <summary>
/// The storage port keeps features and chat adapters free of any database: only the host picks and references a
/// storage adapter, and no other assembly of ours references a database library.
/// </summary>
public sealed class AssemblyReferenceTests
{
    private static readonly Assembly Host = typeof(IncidentBotHost).Assembly;
    private static readonly Assembly LiteDbAdapter = typeof(IncidentBot.Storage.LiteDb.LiteDbStorage).Assembly;
    private static readonly Assembly PostgresAdapter = typeof(IncidentBot.Storage.Postgres.PostgresStorage).Assembly;

    /// <summary>The core, the chat adapters and the web module.</summary>
    private static readonly Assembly[] StorageFree =
    [
        typeof(IncidentBot.Core.Storage.IIncidentStore).Assembly,
        typeof(IncidentBot.Slack.Inbound.SlackInbound).Assembly,
        typeof(IncidentBot.Teams.TeamsOptions).Assembly,
        typeof(IncidentBot.Web.WebOptions).Assembly,
    ];

    private static readonly string[] DatabaseLibraries = ["LiteDB", "Npgsql", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite", "SQLitePCLRaw"];

    public static TheoryData<string> Ours() => new(StorageFree.Append(Host).Append(LiteDbAdapter).Append(PostgresAdapter).Select(a => a.GetName().Name!));

    [Theory]
    [MemberData(nameof(Ours))]
    public void OnlyTheHost_ReferencesTheStorageAdapters(string assembly)
    {
        var references = ReferencesOf(assembly);
        var adapters = references.Where(r => r == LiteDbAdapter.GetName().Name || r == PostgresAdapter.GetName().Name).ToList();

        if (assembly == Host.GetName().Name)
        {
            Assert.Equal([LiteDbAdapter.GetName().Name, PostgresAdapter.GetName().Name], adapters.Order());
        }
        else
        {
            Assert.Empty(adapters);
        }
    }

    [Theory]
    [MemberData(nameof(Ours))]
    public void DatabaseLibraries_AreReferencedOnlyByTheirOwnAdapter(string assembly)
    {
        var allowed = assembly == LiteDbAdapter.GetName().Name ? "LiteDB" : assembly == PostgresAdapter.GetName().Name ? "Npgsql" : null;

        var databases = ReferencesOf(assembly)
            .Where(r => DatabaseLibraries.Any(d => r == d || r.StartsWith(d + ".", StringComparison.Ordinal)))
            .Where(r => r != allowed)
            .ToList();

        Assert.Empty(databases);
    }

    [Fact]
    public void TheCheckSeesReferences()
    {
        // Guards the two theories above against passing vacuously (e.g. if reference names changed shape).
        Assert.Contains("LiteDB", ReferencesOf(LiteDbAdapter.GetName().Name!));
        Assert.Contains("Npgsql", ReferencesOf(PostgresAdapter.GetName().Name!));
        Assert.Contains(typeof(IncidentBot.Core.Storage.IIncidentStore).Assembly.GetName().Name, ReferencesOf(Host.GetName().Name!));
    }

    private static List<string> ReferencesOf(string assembly) =>
        StorageFree.Append(Host).Append(LiteDbAdapter).Append(PostgresAdapter)
            .Single(a => a.GetName().Name == assembly)
            .GetReferencedAssemblies().Select(r => r.Name!).ToList();
}
