using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Migrates on start, answers health checks, and owns (and disposes) the data source.</summary>
internal sealed partial class PostgresLifecycle(NpgsqlDataSource dataSource, string connectionString, ILogger<PostgresLifecycle> logger)
    : IStorageLifecycle, IDisposable
{
    private const string PingSql = "SELECT 1";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var version = await new PostgresMigrator(dataSource, connectionString, logger).MigrateAsync(cancellationToken);
        LogSchema(logger, version);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PingSql);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    public void Dispose() => dataSource.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema at version {Version}")]
    private static partial void LogSchema(ILogger logger, int version);
}
