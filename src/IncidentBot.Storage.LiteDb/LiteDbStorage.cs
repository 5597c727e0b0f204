using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>The embedded storage adapter: one LiteDB file, owned by one process.</summary>
public static class LiteDbStorage
{
    /// <summary>Opens (creating the folder and file) the database at <see cref="StorageOptions.FullPath"/> and returns the adapter.</summary>
    public static StorageAdapter Open(StorageOptions options, TimeProvider clock, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(loggers);

        var logger = loggers.CreateLogger<LiteDbDatabase>();
        var database = LiteDbDatabase.Open(options.FullPath, clock);
        try
        {
            var unsettled = new UnsettledWorkIndex();
            var work = new WorkItemWriter(database, unsettled);
            var writer = new LiteDbWriter(database.Db, database.FlushLogToDisk, clock, logger);
            var incidents = new LiteDbIncidentStore(database, writer);
            var changes = new IncidentChangeBroadcast();
            var adapter = new StorageAdapter(
                incidents,
                new LiteDbTimelineStore(database),
                new LiteDbPeopleStore(database, writer),
                new LiteDbConversationStore(database, writer),
                new LiteDbReviewStore(database, writer),
                new LiteDbWorkQueue(database, writer, work, unsettled),
                new LiteDbChangeStore(database, writer, work, changes),
                new LiteDbLifecycle(database, writer),
                changes);
            logger.LogInformation("LiteDB opened at {Path}", database.Path);
            return adapter;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }
}
