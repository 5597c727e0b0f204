using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// Runs due intents through their executors, in order per (executor, ordering key), retrying with backoff.
/// Rows are claimed with a lease so that replicas sharing one PostgreSQL database never run one row twice at once.
/// </summary>
public sealed class OutboxWorker(
    IServiceScopeFactory scopes,
    IEnumerable<IOutboxExecutor> executors,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxWorker> logger) : PollingWorker(signal, logger)
{
    private const int BatchSize = 50;
    private readonly Dictionary<string, IOutboxExecutor> _executors = executors.ToDictionary(e => e.Name, StringComparer.Ordinal);

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override bool HasWork => _executors.Count > 0;

    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<OutboxMessage> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
            var pending = await db.OutboxMessages.AsNoTracking()
                .Where(o => o.Status == WorkStatus.Pending)
                .OrderBy(o => o.Id)
                .Take(BatchSize * 4)
                .ToListAsync(cancellationToken);

            // Only the head of each (executor, key) queue may run: a later post never overtakes an earlier one.
            candidates = pending
                .GroupBy(o => (o.Executor, o.OrderingKey))
                .Select(g => g.First())
                .Where(o => o.DueAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
                .Take(BatchSize)
                .ToList();
        }

        var ran = 0;
        foreach (var message in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await RunOneAsync(message.Id, cancellationToken))
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
        var message = await LeasedWork.ClaimAsync<OutboxMessage>(db, id, clock.GetUtcNow().UtcDateTime, options.Value.LeaseDuration, cancellationToken);
        if (message is null)
        {
            return false; // another replica has it
        }

        try
        {
            if (!_executors.TryGetValue(message.Executor, out var executor))
            {
                throw new InvalidOperationException($"No executor named '{message.Executor}' is registered (was its platform turned off?).");
            }

            message.Result = await executor.ExecuteAsync(OutboxWriter.Deserialize(message), cancellationToken);
            LeasedWork.Succeeded(message, clock.GetUtcNow().UtcDateTime);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LeasedWork.Abandoned(message);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        catch (OutboxRetryException retry)
        {
            LeasedWork.Deferred(message, clock.GetUtcNow().UtcDateTime, retry.RetryAfter, retry.Message);
            logger.LogInformation("Outbox {Kind} for {Executor} deferred {RetryAfter} s: {Reason}", message.Kind, message.Executor, retry.RetryAfter.TotalSeconds, retry.Message);
        }
        catch (Exception ex)
        {
            if (LeasedWork.Failed(message, clock.GetUtcNow().UtcDateTime, ex.Message, options.Value.MaxAttempts))
            {
                logger.LogError(ex, "Outbox {Kind} for {Executor} (row {Id}) failed {Attempts} times; giving up", message.Kind, message.Executor, message.Id, message.Attempts);
            }
            else
            {
                logger.LogWarning(ex, "Outbox {Kind} for {Executor} (row {Id}) failed (attempt {Attempts}); retrying at {DueAt:O}", message.Kind, message.Executor, message.Id, message.Attempts, message.DueAt);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }
}
