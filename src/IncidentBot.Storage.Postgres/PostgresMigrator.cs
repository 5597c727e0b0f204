using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Creates the database if it is missing and applies the numbered scripts of <c>Migrations/</c> in order, each in a
/// transaction of its own and recorded in <c>schema_migrations</c>. The whole run holds one advisory lock on one
/// connection, so replicas starting together take turns instead of racing on <c>CREATE TABLE</c>.
/// </summary>
internal sealed partial class PostgresMigrator(NpgsqlDataSource dataSource, string connectionString, ILogger logger)
{
    /// <summary>"IncdntBt" in ASCII: the advisory lock every IncidentBot replica takes to migrate.</summary>
    private const long MigrationLockKey = 0x496E63646E744274;

    private const string ResourceMarker = ".Migrations.";

    private const string DuplicateDatabase = "42P04";
    private const string UniqueViolation = "23505";
    private const string InvalidCatalogName = "3D000";

    private const string LockSql = "SELECT pg_advisory_lock(@key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@key)";

    private const string CreateHistorySql =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

    private const string AppliedSql = "SELECT version FROM schema_migrations";
    private const string RecordSql = "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, now())";

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenCreatingDatabaseAsync(cancellationToken);
        await using (var take = new NpgsqlCommand(LockSql, connection))
        {
            take.Parameters.AddBigint("key", MigrationLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var history = new NpgsqlCommand(CreateHistorySql, connection))
            {
                await history.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand(AppliedSql, connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var version = applied.Count == 0 ? 0 : applied.Max();
            foreach (var (number, script) in Scripts())
            {
                if (applied.Contains(number))
                {
                    continue;
                }

                await ApplyAsync(connection, number, script, cancellationToken);
                LogApplied(logger, number);
                version = Math.Max(version, number);
            }

            return version;
        }
        finally
        {
            // The connection goes back to the pool, which keeps session locks: release it explicitly.
            await using var release = new NpgsqlCommand(UnlockSql, connection);
            release.Parameters.AddBigint("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The embedded scripts, by the number their file name starts with.</summary>
    internal static IReadOnlyList<(int Number, string Script)> Scripts()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var scripts = new List<(int, string)>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var marker = name.LastIndexOf(ResourceMarker, StringComparison.Ordinal);
            if (marker < 0 || !name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var file = name[(marker + ResourceMarker.Length)..];
            var digits = new string(file.TrimStart('_').TakeWhile(char.IsAsciiDigit).ToArray());
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new InvalidOperationException($"The migration '{file}' does not start with its number.");
            }

            scripts.Add((number, Read(assembly, name)));
        }

        var duplicate = scripts.GroupBy(s => s.Item1).FirstOrDefault(g => g.Count() > 1);
        return duplicate is not null
            ? throw new InvalidOperationException($"Two migrations have the number {duplicate.Key}.")
            : scripts.OrderBy(s => s.Item1).ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The migration resource '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, int number, string script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
#pragma warning disable CA2100 // The script is one of this assembly's embedded migrations, not input.
        await using (var apply = new NpgsqlCommand(script, connection, transaction))
#pragma warning restore CA2100
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand(RecordSql, connection, transaction))
        {
            record.Parameters.AddInt("version", number);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Opens a connection to the target database, creating the database first when the server says it does not
    /// exist (3D000). Another replica creating it at the same moment (42P04, or 23505 on the catalog) is success.
    /// </summary>
    private async Task<NpgsqlConnection> OpenCreatingDatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == InvalidCatalogName)
        {
            await CreateDatabaseAsync(cancellationToken);
        }

        return await dataSource.OpenConnectionAsync(cancellationToken);
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database;
        if (string.IsNullOrEmpty(database))
        {
            throw new InvalidOperationException("Storage:ConnectionString names no Database to create.");
        }

        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // CREATE DATABASE takes no parameters: the name is quoted as an identifier instead.
        var sql = "CREATE DATABASE " + QuoteIdentifier(database);
#pragma warning disable CA2100 // Built from a constant and a quoted identifier.
        await using var create = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, database);
        }
        catch (PostgresException e) when (e.SqlState is DuplicateDatabase or UniqueViolation)
        {
            // Another replica created it first.
        }
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [LoggerMessage(Level = LogLevel.Information, Message = "Created PostgreSQL database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied PostgreSQL migration {Version}")]
    private static partial void LogApplied(ILogger logger, int version);
}
