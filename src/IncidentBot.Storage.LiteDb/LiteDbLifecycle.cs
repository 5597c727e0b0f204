using IncidentBot.Core.Storage;

namespace IncidentBot.Storage.LiteDb;

/// <summary>Schema upgrades run at open (one process owns the file), so initialising has nothing left to do.</summary>
internal sealed class LiteDbLifecycle(LiteDbDatabase database, LiteDbWriter writer) : IStorageLifecycle, IDisposable
{
    private int _disposed;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Task.CompletedTask;
    }

    public Task PingAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _ = database.Db.UserVersion;
        _ = database.Calendar.FindById("ping");
        return Task.CompletedTask;
    }

    public string Describe() => $"LiteDB {database.Path}";

    /// <summary>Lets the writer finish what was queued, then closes the file and releases the lock file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        writer.Dispose();
        database.Dispose();
    }
}
