using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);
    private readonly Dictionary<string, IOutboxExecutor> _executors = executors.ToDictionary(e => e.Name, StringComparer.Ordinal);
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_executors.Count == 0)
        {
            logger.LogInformation("No outbox executors registered (no chat platform configured); the outbox worker is idle");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int ran;
            try
            {
                ran = await RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The outbox worker failed to read due intents; trying again");
                ran = 0;
            }

            if (ran == 0)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Runs every intent due now; returns how many it ran. Public so tests can drive it without timers.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<OutboxMessage> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
            var pending = await db.OutboxMessages.AsNoTracking()
                .Where(o => o.Status == OutboxStatus.Pending)
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
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now + options.Value.LeaseDuration;

        var claimed = await db.OutboxMessages
            .Where(o => o.Id == id && o.Status == OutboxStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, _instance).SetProperty(o => o.LockedUntil, leaseUntil), cancellationToken);
        if (claimed == 0)
        {
            return false; // another replica has it
        }

        var message = await db.OutboxMessages.SingleAsync(o => o.Id == id, cancellationToken);
        message.Attempts++;
        try
        {
            if (!_executors.TryGetValue(message.Executor, out var executor))
            {
                throw new InvalidOperationException($"No executor named '{message.Executor}' is registered (was its platform turned off?).");
            }

            var intent = OutboxWriter.Deserialize(message);
            message.Result = await executor.ExecuteAsync(intent, cancellationToken);
            message.Status = OutboxStatus.Done;
            message.CompletedAt = clock.GetUtcNow().UtcDateTime;
            message.LastError = null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: leave it pending for the next start; the lease runs out by itself.
            message.Attempts--;
            message.LockedUntil = null;
            message.LockedBy = null;
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        catch (OutboxRetryException retry)
        {
            // Rate limited: not a failure, so it does not count towards giving up.
            message.Attempts--;
            message.LastError = retry.Message;
            message.DueAt = clock.GetUtcNow().UtcDateTime + retry.RetryAfter;
            logger.LogWarning("Outbox {Kind} for {Executor} deferred {RetryAfter} s: {Reason}", message.Kind, message.Executor, retry.RetryAfter.TotalSeconds, retry.Message);
        }
        catch (Exception ex)
        {
            message.LastError = Truncate(ex.Message, 2000);
            if (message.Attempts >= options.Value.MaxAttempts)
            {
                message.Status = OutboxStatus.Failed;
                message.CompletedAt = clock.GetUtcNow().UtcDateTime;
                logger.LogError(ex, "Outbox {Kind} for {Executor} (row {Id}) failed {Attempts} times; giving up", message.Kind, message.Executor, message.Id, message.Attempts);
            }
            else
            {
                var delay = Backoff(message.Attempts);
                message.DueAt = clock.GetUtcNow().UtcDateTime + delay;
                logger.LogWarning(ex, "Outbox {Kind} for {Executor} (row {Id}) failed (attempt {Attempts}); retrying in {Delay}", message.Kind, message.Executor, message.Id, message.Attempts, delay);
            }
        }

        message.LockedBy = null;
        message.LockedUntil = null;
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    /// <summary>2 s, 4 s, 8 s … capped at 15 minutes.</summary>
    internal static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Clamp(attempts, 1, 20))));

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
