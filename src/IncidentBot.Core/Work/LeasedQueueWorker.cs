using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Work;

/// <summary>
/// A worker over one table of leased work items: picks the due ones, claims each (so replicas never run one twice at
/// once), runs it, and records the outcome: done, deferred (<see cref="OutboxRetryException"/>: not a failure),
/// failed with backoff, or given up after <see cref="MaxAttempts"/>.
/// </summary>
public abstract class LeasedQueueWorker<T>(IServiceScopeFactory scopes, WorkSignal signal, TimeProvider clock, ILogger logger)
    : PollingWorker(signal, logger)
    where T : class, IWorkItem
{
    protected IServiceScopeFactory Scopes => scopes;

    protected abstract TimeSpan LeaseDuration { get; }

    protected abstract int MaxAttempts { get; }

    /// <summary>Ids of the items to run now, in the order to run them.</summary>
    protected abstract Task<List<long>> DueAsync(IncidentDbContext db, DateTime now, CancellationToken cancellationToken);

    /// <summary>Runs one claimed item; throw to fail it.</summary>
    protected abstract Task RunAsync(T item, CancellationToken cancellationToken);

    /// <summary>Names the item in log lines.</summary>
    protected abstract string Describe(T item);

    /// <summary>True when the item settled itself while running (an inbox delivery whose change marked it done).</summary>
    protected virtual Task<bool> SettledMeanwhileAsync(long id, CancellationToken cancellationToken) => Task.FromResult(false);

    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        List<long> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await DueAsync(scope.ServiceProvider.GetRequiredService<IncidentDbContext>(), clock.GetUtcNow().UtcDateTime, cancellationToken);
        }

        var ran = 0;
        foreach (var id in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await RunOneAsync(id, cancellationToken))
            {
                ran++;
            }
        }

        return ran;
    }

    private async Task<bool> RunOneAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        var item = await LeasedWork.ClaimAsync<T>(db, id, clock.GetUtcNow().UtcDateTime, LeaseDuration, cancellationToken);
        if (item is null)
        {
            return false; // another worker or replica has it
        }

        try
        {
            await RunAsync(item, cancellationToken);
            LeasedWork.Succeeded(item, clock.GetUtcNow().UtcDateTime);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LeasedWork.Abandoned(item);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        catch (OutboxRetryException retry)
        {
            LeasedWork.Deferred(item, clock.GetUtcNow().UtcDateTime, retry.RetryAfter, retry.Message);
            Logger.LogInformation("{Item} deferred {RetryAfter} s: {Reason}", Describe(item), retry.RetryAfter.TotalSeconds, retry.Message);
        }
        catch (Exception ex)
        {
            if (await SettledMeanwhileAsync(id, cancellationToken))
            {
                Logger.LogWarning(ex, "{Item} was applied, but a later step failed; not running it again", Describe(item));
                return true;
            }

            if (LeasedWork.Failed(item, clock.GetUtcNow().UtcDateTime, ex.Message, MaxAttempts))
            {
                Logger.LogError(ex, "{Item} failed {Attempts} times; giving up", Describe(item), item.Attempts);
            }
            else
            {
                Logger.LogWarning(ex, "{Item} failed (attempt {Attempts}); retrying at {DueAt:O}", Describe(item), item.Attempts, item.DueAt);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }
}
