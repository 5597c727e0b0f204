using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// Processes stored deliveries after they were acknowledged, oldest first and one at a time per channel, so commands
/// apply in the order they were typed. A delivery that keeps failing is retried a few times, then marked failed.
/// </summary>
public sealed class InboxWorker(
    IServiceScopeFactory scopes,
    IEnumerable<InboxSource> sources,
    InboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<InboxWorker> logger) : LeasedQueueWorker<InboxMessage>(scopes, signal, clock, logger)
{
    /// <summary>Deliveries are people waiting for an answer: a few quick retries, not hours of them.</summary>
    public const int MaxDeliveryAttempts = 4;

    private readonly HashSet<string> _sources = sources.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override bool HasWork => _sources.Count > 0;

    protected override TimeSpan LeaseDuration => options.Value.LeaseDuration;

    protected override int MaxAttempts => MaxDeliveryAttempts;

    protected override async Task<List<long>> DueAsync(IncidentDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var pending = await db.InboxMessages.AsNoTracking()
            .Where(m => m.Status == WorkStatus.Pending)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.OrderingKey, m.DueAt, m.LockedUntil })
            .Take(400)
            .ToListAsync(cancellationToken);

        // Per channel only the oldest pending delivery may run, even with several workers or replicas, so commands
        // typed one after another in a channel apply (and post) in that order.
        return pending
            .GroupBy(m => m.OrderingKey ?? $"#{m.Id}")
            .Select(g => g.First())
            .Where(m => m.DueAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .Select(m => m.Id)
            .Take(100)
            .ToList();
    }

    protected override async Task RunAsync(InboxMessage item, CancellationToken cancellationToken)
    {
        // A fresh scope for the processor: its changes commit on their own (marking this row done with them).
        await using var work = Scopes.CreateAsyncScope();
        work.ServiceProvider.GetRequiredService<DeliveryContext>().InboxMessageId = item.Id;
        var processor = work.ServiceProvider.GetServices<IInboxProcessor>().FirstOrDefault(p => p.Source == item.Source)
            ?? throw new InvalidOperationException($"No processor for deliveries from '{item.Source}' (was its platform turned off?).");
        await processor.ProcessAsync(item, cancellationToken);
    }

    protected override string Describe(InboxMessage item) => $"Inbox {item.Source} {item.Kind} {item.ExternalId}";

    protected override async Task<bool> SettledMeanwhileAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        return await db.InboxMessages.AsNoTracking().AnyAsync(m => m.Id == id && m.Status == WorkStatus.Done, cancellationToken);
    }
}
