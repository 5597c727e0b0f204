namespace IncidentBot.Core.Outbox;

/// <summary>
/// Carries out intents on one platform. Runs at least once per intent (a crash after the call but before the
/// outcome is stored repeats it), so an executor checks what it already did (a stored channel id, a message ts).
/// </summary>
public interface IOutboxExecutor
{
    /// <summary>Stable name stored on each row (e.g. <c>slack</c>); renaming it orphans pending rows.</summary>
    string Name { get; }

    bool Handles(Type intentType);

    /// <summary>
    /// How long after the change the intent is due on this platform (Slack archives a channel
    /// <c>Slack:ArchiveAfter</c> after the resolve). Work due later never holds up work due now.
    /// </summary>
    TimeSpan DelayOf(IOutboxIntent intent) => TimeSpan.Zero;

    /// <summary>
    /// A name for intents that replace their pending predecessor (a rescheduled archive); null for intents that
    /// all run.
    /// </summary>
    string? UniqueKeyOf(IOutboxIntent intent) => null;

    /// <summary>
    /// Returns a short outcome to record; throw <see cref="OutboxRetryException"/> to be called again later.
    /// <paramref name="intentId"/> is the stored intent's id: the same on every run of it, after a retry or a restart, so a
    /// platform can mark what it posts with it and look for that mark before posting again.
    /// </summary>
    Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown by an executor to be retried after <see cref="RetryAfter"/> (a 429's <c>Retry-After</c>). Rate limits
/// do not count towards giving up: a 429 storm delays posts, it never loses them.
/// </summary>
public sealed class OutboxRetryException(string message, TimeSpan retryAfter, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Thrown by an executor whose call may or may not have taken effect (a post that timed out, or whose answer was lost).
/// It is retried like any failure, but holds its key meanwhile: the next post of the same incident waits rather than
/// landing before one that may yet have to be sent again.
/// </summary>
public sealed class OutboxInDoubtException(string message, Exception inner) : Exception(message, inner);
