using Npgsql;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Where the tests' databases come from. SQLite: a fresh file per test. PostgreSQL: a fresh database per test on
/// the server named by <c>INCIDENTBOT_TEST_POSTGRES</c> (CI starts one); without it the test skips with the
/// reason on a developer's machine and fails under <c>CI=true</c>.
/// </summary>
public static class TestDatabases
{
    public const string PostgresVariable = "INCIDENTBOT_TEST_POSTGRES";

    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

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

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        if (provider == "Sqlite")
        {
            var folder = Path.Combine(Path.GetTempPath(), "incidentbot-tests");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
            return new TestDatabase("Sqlite", $"Data Source={file}", () =>
            {
                foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                {
                    try
                    {
                        File.Delete(f);
                    }
                    catch (IOException)
                    {
                        // Still open by a pooled connection; the temp folder is disposable.
                    }
                }

                return Task.CompletedTask;
            });
        }

        Require(PostgresServer is not null, $"A PostgreSQL server ({PostgresVariable})");
        var server = new NpgsqlConnectionStringBuilder(PostgresServer);
        var name = $"ib_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase("Postgres", connection, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }
}

public sealed class TestDatabase(string provider, string connectionString, Func<Task> cleanup) : IAsyncDisposable
{
    public string Provider { get; } = provider;

    public string ConnectionString { get; } = connectionString;

    public Dictionary<string, string?> Settings => new()
    {
        ["Storage:Provider"] = Provider,
        ["Storage:ConnectionString"] = ConnectionString,
    };

    public ValueTask DisposeAsync() => new(cleanup());
}
