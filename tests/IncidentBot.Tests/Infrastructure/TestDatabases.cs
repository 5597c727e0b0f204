using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Where the tests' stores come from. LiteDB: a fresh file per test under the temp folder. PostgreSQL: a fresh
/// database per test on the server named by <c>INCIDENTBOT_TEST_POSTGRES</c> (CI starts one); without it the test
/// skips with the reason on a developer's machine and fails under <c>CI=true</c>.
/// </summary>
public static class TestDatabases
{
    public const string PostgresVariable = "INCIDENTBOT_TEST_POSTGRES";

    public const string LiteDb = nameof(StorageProvider.LiteDb);

    public const string Postgres = nameof(StorageProvider.Postgres);

    public static TheoryData<string> Providers => new() { LiteDb, Postgres };

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    /// <summary>The folder the LiteDB files of the tests go to.</summary>
    public static string LiteDbFolder => Path.Combine(Path.GetTempPath(), "incidentbot-tests");

    /// <summary>Skips (developer machine) or fails (CI) when a part the test needs is missing.</summary>
    public static void Require(bool present, string what)
    {
        if (present)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"{what} is required under CI=true but is missing.");
        }

        Skip.If(true, $"{what} is not available on this machine; skipped (CI runs it).");
    }

    /// <summary>Skips or fails (see <see cref="Require"/>) when no PostgreSQL server is configured.</summary>
    public static void RequirePostgres() => Require(PostgresServer is not null, $"A PostgreSQL server ({PostgresVariable})");

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        if (string.Equals(provider, LiteDb, StringComparison.Ordinal))
        {
            Directory.CreateDirectory(LiteDbFolder);
            var name = Guid.NewGuid().ToString("N");
            var file = Path.Combine(LiteDbFolder, $"{name}.litedb");
            return new TestDatabase(LiteDb, file, null, () =>
            {
                // The file, LiteDB's log file (<name>-log.litedb) and whatever else the adapter keeps beside it.
                foreach (var f in Directory.EnumerateFiles(LiteDbFolder, $"{name}*"))
                {
                    try
                    {
                        File.Delete(f);
                    }
                    catch (IOException)
                    {
                        // Still open (an adapter a failed test did not dispose); the temp folder is disposable.
                    }
                }

                return Task.CompletedTask;
            });
        }

        if (!string.Equals(provider, Postgres, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown test storage provider '{provider}' (LiteDb or Postgres).", nameof(provider));
        }

        RequirePostgres();
        var database = NewPostgresDatabaseName();
        await using (var admin = new NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(Postgres, null, PostgresConnectionString(database), () => DropPostgresDatabaseAsync(database));
    }

    /// <summary>A name for a test database (<c>ib_test_&lt;guid&gt;</c>); nothing is created.</summary>
    public static string NewPostgresDatabaseName() => $"ib_test_{Guid.NewGuid():N}";

    /// <summary>The connection string of <paramref name="database"/> on the test server (which need not exist yet).</summary>
    public static string PostgresConnectionString(string database)
    {
        RequirePostgres();
        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = database }.ConnectionString;
    }

    /// <summary>Drops a test database, closing whatever connections still use it.</summary>
    public static async Task DropPostgresDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Opens (without initialising) the adapter <paramref name="options"/> name, as the host does.</summary>
    public static StorageAdapter OpenAdapter(StorageOptions options, TimeProvider clock, ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        return options.ParsedProvider switch
        {
            StorageProvider.LiteDb => LiteDbStorage.Open(options, clock, loggers),
            StorageProvider.Postgres => PostgresStorage.Open(options, clock, loggers),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown storage provider."),
        };
    }

    /// <summary>Opens and initialises the adapter; when initialising fails the adapter is disposed and the error rethrown.</summary>
    public static async Task<StorageAdapter> OpenInitializedAsync(StorageOptions options, TimeProvider clock, ILoggerFactory? loggers = null)
    {
        var adapter = OpenAdapter(options, clock, loggers);
        try
        {
            await adapter.Lifecycle.InitializeAsync(CancellationToken.None);
            return adapter;
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
    }
}

/// <summary>One test's store: a LiteDB file or a PostgreSQL database, removed on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<Task> _cleanup;

    internal TestDatabase(string provider, string? path, string? connectionString, Func<Task> cleanup)
    {
        Provider = provider;
        Path = path;
        ConnectionString = connectionString;
        _cleanup = cleanup;
    }

    /// <summary><c>LiteDb</c> or <c>Postgres</c>.</summary>
    public string Provider { get; }

    /// <summary>The LiteDB file (null for PostgreSQL).</summary>
    public string? Path { get; }

    /// <summary>The PostgreSQL connection string (null for LiteDB).</summary>
    public string? ConnectionString { get; }

    /// <summary>Fresh options naming this store (a new instance each time: tests may change it freely).</summary>
    public StorageOptions Options => Provider == TestDatabases.LiteDb
        ? new StorageOptions { Provider = Provider, Path = Path! }
        : new StorageOptions { Provider = Provider, ConnectionString = ConnectionString };

    /// <summary>The configuration a host built from settings needs to use this store.</summary>
    public Dictionary<string, string?> Settings => Provider == TestDatabases.LiteDb
        ? new() { ["Storage:Provider"] = Provider, ["Storage:Path"] = Path }
        : new() { ["Storage:Provider"] = Provider, ["Storage:ConnectionString"] = ConnectionString };

    /// <summary>Opens this store's adapter and initialises it (dispose it when done).</summary>
    public Task<StorageAdapter> OpenAsync(TimeProvider clock, ILoggerFactory? loggers = null) =>
        TestDatabases.OpenInitializedAsync(Options, clock, loggers);

    public async ValueTask DisposeAsync() => await _cleanup();
}
