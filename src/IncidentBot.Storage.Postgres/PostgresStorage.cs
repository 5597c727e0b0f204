using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The PostgreSQL storage adapter: every port on one <see cref="NpgsqlDataSource"/>.</summary>
public static class PostgresStorage
{
    /// <summary>
    /// Opens the adapter (no I/O yet: <see cref="IStorageLifecycle.InitializeAsync"/> creates the database if needed
    /// and migrates). Disposing the returned adapter disposes the data source.
    /// </summary>
    public static StorageAdapter Open(StorageOptions options, TimeProvider clock, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(loggers);
        var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is 'Postgres'.")
            : options.ConnectionString;

        var dataSource = NpgsqlDataSource.Create(WithDefaults(connectionString));
        return new StorageAdapter(
            new PostgresIncidentStore(dataSource, clock),
            new PostgresTimelineStore(dataSource),
            new PostgresPeopleStore(dataSource, clock),
            new PostgresConversationStore(dataSource, clock),
            new PostgresReviewStore(dataSource, clock),
            new PostgresWorkQueue(dataSource, clock),
            new PostgresChangeStore(dataSource, clock),
            new PostgresLifecycle(dataSource, connectionString, loggers.CreateLogger<PostgresLifecycle>()),
            new PostgresChangeListener(dataSource, clock, loggers.CreateLogger<PostgresChangeListener>()));
    }

    /// <summary>
    /// The connection string with the settings the adapter relies on, where the operator's string leaves them unset.
    /// Every statement here is a constant run thousands of times (claims, completions, timeline rows); without
    /// automatic preparation each execution was parsed and planned again, the larger part of a claim's cost.
    /// </summary>
    internal static string WithDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", string.Empty, StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        return builder.ConnectionString;
    }

    /// <summary>Comfortably more than the distinct statements the adapter runs often.</summary>
    internal const int AutoPreparedStatements = 64;
}
