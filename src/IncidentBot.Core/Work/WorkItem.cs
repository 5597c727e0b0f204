using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Work;

public enum WorkStatus
{
    Pending = 0,
    Done = 1,
    Failed = 2,
}

/// <summary>A row some worker must process: an inbox delivery or an outbox intent.</summary>
public interface IWorkItem
{
    long Id { get; }
    WorkStatus Status { get; set; }
    DateTime DueAt { get; set; }
    int Attempts { get; set; }
    string? LastError { get; set; }
    DateTime? CompletedAt { get; set; }
    string? LockedBy { get; set; }
    DateTime? LockedUntil { get; set; }
}

/// <summary>
/// The claim-run-settle steps both queues share. A claim is a conditional update, so replicas sharing one
/// database never run a row at the same time; a lease that runs out (a crashed replica) frees the row again.
/// </summary>
public static class LeasedWork
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    public static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public static async Task<T?> ClaimAsync<T>(IncidentDbContext db, long id, DateTime now, TimeSpan lease, CancellationToken cancellationToken)
        where T : class, IWorkItem
    {
        var until = now + lease;
        var claimed = await db.Set<T>()
            .Where(o => o.Id == id && o.Status == WorkStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, Instance).SetProperty(o => o.LockedUntil, until), cancellationToken);
        if (claimed == 0)
        {
            return null;
        }

        var item = await db.Set<T>().SingleAsync(o => o.Id == id, cancellationToken);
        item.Attempts++;
        return item;
    }

    public static void Succeeded(IWorkItem item, DateTime now)
    {
        item.Status = WorkStatus.Done;
        item.CompletedAt = now;
        item.LastError = null;
        Release(item);
    }

    /// <summary>Deferred on purpose (rate limit, not due yet): not a failure, so it does not count towards giving up.</summary>
    public static void Deferred(IWorkItem item, DateTime now, TimeSpan by, string reason)
    {
        item.Attempts--;
        item.DueAt = now + by;
        item.LastError = Truncate(reason);
        Release(item);
    }

    /// <summary>Returns true when the item was given up (marked failed).</summary>
    public static bool Failed(IWorkItem item, DateTime now, string error, int maxAttempts)
    {
        item.LastError = Truncate(error);
        Release(item);
        if (item.Attempts >= maxAttempts)
        {
            item.Status = WorkStatus.Failed;
            item.CompletedAt = now;
            return true;
        }

        item.DueAt = now + Backoff(item.Attempts);
        return false;
    }

    /// <summary>Shutting down mid-run: leave it as it was for the next start.</summary>
    public static void Abandoned(IWorkItem item)
    {
        item.Attempts--;
        Release(item);
    }

    /// <summary>2 s, 4 s, 8 s … capped at 15 minutes.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Clamp(attempts, 1, 20))));

    private static void Release(IWorkItem item)
    {
        item.LockedBy = null;
        item.LockedUntil = null;
    }

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000];
}

/// <summary>Wakes a worker when something was queued, so it runs at once instead of at the next poll.</summary>
public class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Raise()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _semaphore.Dispose();
        GC.SuppressFinalize(this);
    }
}
