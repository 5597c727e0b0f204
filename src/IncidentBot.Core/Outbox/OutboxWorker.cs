using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// Runs due intents through their executors, in order per (executor, ordering key), retrying with backoff. Rows are
/// claimed with a lease so that replicas sharing one PostgreSQL database never run one row twice at once.
/// </summary>
public sealed class OutboxWorker(
    IServiceScopeFactory scopes,
    IEnumerable<IOutboxExecutor> executors,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxWorker> logger) : LeasedQueueWorker<OutboxMessage>(scopes, signal, clock, logger)
{
    private const int BatchSize = 50;
    private readonly Dictionary<string, IOutboxExecutor> _executors = executors.ToDictionary(e => e.Name, StringComparer.Ordinal);

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override bool HasWork => _executors.Count > 0;

    protected override TimeSpan LeaseDuration => options.Value.LeaseDuration;

    protected override int MaxAttempts => options.Value.MaxAttempts;

    protected override async Task<List<long>> DueAsync(IncidentDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var pending = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.Status == WorkStatus.Pending)
            .OrderBy(o => o.Id)
            .Take(BatchSize * 4)
            .ToListAsync(cancellationToken);

        // Only the head of each (executor, key) queue may run: a later post never overtakes an earlier one.
        return pending
            .GroupBy(o => (o.Executor, o.OrderingKey))
            .Select(g => g.First())
            .Where(o => o.DueAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .Take(BatchSize)
            .Select(o => o.Id)
            .ToList();
    }

    protected override async Task RunAsync(OutboxMessage item, CancellationToken cancellationToken)
    {
        if (!_executors.TryGetValue(item.Executor, out var executor))
        {
            throw new InvalidOperationException($"No executor named '{item.Executor}' is registered (was its platform turned off?).");
        }

        item.Result = await executor.ExecuteAsync(OutboxWriter.Deserialize(item), cancellationToken);
    }

    protected override string Describe(OutboxMessage item) => $"Outbox {item.Kind} for {item.Executor} (row {item.Id})";
}
