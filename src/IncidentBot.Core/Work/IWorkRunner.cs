using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Work;

/// <summary>A topic of the work queue and its failure budget.</summary>
/// <param name="Name">The <see cref="WorkItem.Topic"/> it runs (<c>inbox.slack</c>, <c>outbox.teams</c> …).</param>
/// <param name="MaxAttempts">Failed runs before an item is parked.</param>
/// <param name="FirstBackoff">Wait before the first retry; doubled per attempt up to <see cref="WorkTopic.MaxBackoff"/>.</param>
public sealed record WorkTopic(string Name, int MaxAttempts, TimeSpan FirstBackoff)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
}

/// <summary>
/// Runs the items of one topic. The item is completed by the <see cref="WorkContext"/> of the scope it runs in: with
/// the change its run commits, or alone after it returns. Throw to fail it; a rate limit (<c>OutboxRetryException</c>) or
/// an open circuit (<c>BrokenCircuitException</c>) is not a failure: the item waits, its attempt given back.
/// </summary>
public interface IWorkRunner
{
    WorkTopic Topic { get; }

    /// <summary>Runs one item in its own scope; returns a short outcome to record.</summary>
    Task<string?> RunAsync(WorkItem item, IServiceProvider scope, CancellationToken cancellationToken);
}
