using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The PostgreSQL storage adapter: every port on one pooled <see cref="NpgsqlDataSource"/>, the change listener on its own.</summary>
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
            new PostgresChangeListener(NpgsqlDataSource.Create(Unpooled(connectionString)), clock, loggers.CreateLogger<PostgresChangeListener>()));
    }

    /// <summary>
    /// The connection string with the settings the adapter relies on, where the operator's string leaves them unset.
    /// Every statement here is a constant run thousands of times (claims, completions, timeline rows): prepared after
    /// a couple of uses, it is no longer parsed and planned on each execution, the larger part of a claim's cost. A
    /// connection going back to the pool is not reset: the reset was four statements on every use, and the adapter
    /// leaves no session state behind (the migration lock is released by hand; the one connection that listens is
    /// never pooled).
    /// </summary>
    internal static string WithDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains(nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!given.Contains(nameof(NpgsqlConnectionStringBuilder.AutoPrepareMinUsages)))
        {
            builder.AutoPrepareMinUsages = AutoPrepareAfterUses;
        }

        if (!given.Contains(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>For the change listener: a connection of its own that closes when it stops, so it never listens from the pool.</summary>
    internal static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(WithDefaults(connectionString)) { Pooling = false }.ConnectionString;

    /// <summary>Comfortably more than the distinct statements the adapter runs often.</summary>
    internal const int AutoPreparedStatements = 64;

    /// <summary>Uses before a statement is prepared on a connection: each of the pool's connections prepares its own.</summary>
    internal const int AutoPrepareAfterUses = 2;
}
