namespace IncidentBot.Core.Storage;

public enum WorkStatus
{
    /// <summary>Waiting to run (or running, while a lease is held).</summary>
    Pending = 0,

    /// <summary>Ran to completion; deleted after <c>Storage:RetainDays</c>.</summary>
    Done = 1,

    /// <summary>Failed its whole budget: kept aside, visible to admins, retried only when someone asks.</summary>
    Parked = 2,

    /// <summary>Timed work that was called off before it ran, or a parked item an admin discarded.</summary>
    Cancelled = 3,
}

/// <summary>
/// One row of the work queue: an inbox delivery (a slash command, an event), an outbox intent (a post, a card
/// refresh) or timed work (an archive, an agenda freeze, a reminder). The queue's rules:
/// <list type="number">
/// <item>Items of one <see cref="Topic"/> and <see cref="Key"/> run one at a time, oldest first, among those due now;
/// items without a key are independent. A lane of a family (<see cref="OrderingKeys"/>) also waits for the earlier
/// items of the family's whole, and the whole for the earlier items of every lane; lanes do not wait for each other.</item>
/// <item>Work due later never blocks its key, except an item that was rate limited (<see cref="HoldsKey"/>): the
/// channel is throttled, so what follows it waits with it.</item>
/// <item>A failure is retried with backoff out of line (the next item of the key runs meanwhile), unless its effect is
/// in doubt (a post that may have arrived): that one holds its key, so nothing posted after it can land before it;
/// after its budget the item is parked.</item>
/// <item>Keys are taken in the order their oldest item fell due, one item per key per claim, up to a bound in
/// parallel per topic.</item>
/// <item>A claim is a lease, renewed while the work runs and released on shutdown; an item is completed only by the
/// commit that carries its effect, and only while its lease is held.</item>
/// </list>
/// </summary>
public sealed class WorkItem
{
    public long Id { get; set; }

    /// <summary>Who runs it: <c>inbox.slack</c>, <c>outbox.teams</c>, <c>timer.reviews</c> …</summary>
    public required string Topic { get; set; }

    /// <summary>The ordering key within the topic (a channel, an incident's posts: <see cref="OrderingKeys"/>); null: no order to keep.</summary>
    public string? Key { get; set; }

    /// <summary>What it is, for its runner (<c>command</c>, <c>incident.card.refresh</c> …).</summary>
    public required string Kind { get; set; }

    public required string Payload { get; set; }

    /// <summary>
    /// Unique across the queue when set: a platform's delivery id (a second delivery is dropped) or the name of timed
    /// work (enqueueing it again reschedules the pending one; cancelling names it).
    /// </summary>
    public string? UniqueKey { get; set; }

    /// <summary>The incident it concerns, if any (for admins and traces).</summary>
    public long? IncidentId { get; set; }

    public WorkStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime DueAt { get; set; }

    /// <summary>True while the item waits out a rate limit, or a retry of a post in doubt: later items of its key wait too.</summary>
    public bool HoldsKey { get; set; }

    /// <summary>Runs started (a claim counts one; a rate-limit deferral gives it back).</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }
    public string? Result { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? LeaseOwner { get; set; }

    /// <summary>
    /// Until then no one else may claim the item. Past it, others may; until one does, the item is still
    /// <see cref="LeaseOwner"/>'s to renew, complete or give back (its run may have outlived a clock step or a pause).
    /// </summary>
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The span that queued the item (W3C <c>traceparent</c>): its run continues that trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>A copy whose changes do not reach this item (every field is a value or a string).</summary>
    public WorkItem Copy() => (WorkItem)MemberwiseClone();
}

/// <summary>How a claimed item that did not complete goes back into the queue.</summary>
/// <param name="Id">The item.</param>
/// <param name="Owner">Who holds its lease.</param>
/// <param name="DueAt">When it may run again.</param>
/// <param name="Reason">Why, for admins (the error, or the rate limit).</param>
/// <param name="Park">True: its budget is spent; park it instead.</param>
/// <param name="HoldsKey">True for a rate limit or an effect in doubt: later items of its key wait for it.</param>
/// <param name="CountsAsAttempt">False for a rate limit or a shutdown: the claim's attempt is given back.</param>
public sealed record WorkRetry(long Id, string Owner, DateTime DueAt, string Reason, bool Park = false, bool HoldsKey = false, bool CountsAsAttempt = true);

/// <summary>The queue as seen by <c>/readyz</c> and the admin page.</summary>
public sealed record QueueHealth(int Parked, int DueNow, DateTime? OldestDueAt);

/// <summary>One topic's share of the queue, for the metrics: items due now, the oldest due time among them, items parked.</summary>
public sealed record TopicBacklog(string Topic, int DueNow, DateTime? OldestDueAt, int Parked);

/// <summary>The work queue's storage: the inbox, the outbox and timed work are one table of <see cref="WorkItem"/>s.</summary>
public interface IWorkQueueStore
{
    /// <summary>
    /// Stores a delivery before it is acknowledged (durable when this returns). False when an item with its
    /// <see cref="WorkItem.UniqueKey"/> exists already, whatever its state. An item handed in with a lease
    /// (<see cref="WorkItem.LeaseOwner"/>, <see cref="WorkItem.LeaseUntil"/>, one attempt) is claimed by its caller.
    /// </summary>
    Task<bool> AcceptAsync(WorkItem item, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> items of <paramref name="topic"/> for <paramref name="owner"/> until
    /// <paramref name="now"/> + <paramref name="lease"/>, following the queue's rules (see <see cref="WorkItem"/>):
    /// per key only the oldest item due now, none behind an earlier item of its key (or of the keys its key waits for,
    /// <see cref="OrderingKeys"/>) that is running, due or holds the key, keys in the order their head fell due. A store
    /// may look at a window of keys per claim (due order then holds within it) if its next claims go on to the others.
    /// Each claimed item's <see cref="WorkItem.Attempts"/> goes up by one, except an item whose lapsed lease
    /// <paramref name="owner"/> still held: it still runs there (the dispatcher starts it no second time), so the claim
    /// only renews it.
    /// </summary>
    Task<IReadOnlyList<WorkItem>> ClaimAsync(string topic, string owner, DateTime now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the leases <paramref name="owner"/> still holds, lapsed ones too while no one else has claimed them;
    /// returns the ids it no longer holds.
    /// </summary>
    Task<IReadOnlyList<long>> RenewAsync(string owner, IReadOnlyCollection<long> ids, DateTime until, CancellationToken cancellationToken);

    /// <summary>Puts a claimed item back (retry later, rate limited, shut down, or parked). False when the lease was lost.</summary>
    Task<bool> RetryAsync(WorkRetry retry, CancellationToken cancellationToken);

    Task<WorkItem?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Items of a topic (or all) in one state, oldest first: for admins and tests.</summary>
    Task<IReadOnlyList<WorkItem>> ListAsync(string? topic, WorkStatus status, int take, CancellationToken cancellationToken);

    Task<QueueHealth> HealthAsync(DateTime now, CancellationToken cancellationToken);

    /// <summary>Per topic that has pending or parked items: what <see cref="HealthAsync"/> tells for the whole queue.</summary>
    Task<IReadOnlyList<TopicBacklog>> BacklogAsync(DateTime now, CancellationToken cancellationToken);

    /// <summary>A facilitator's "try again": a parked item becomes pending and due now with a fresh budget.</summary>
    Task<bool> RetryParkedAsync(long id, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// A facilitator's "give up": a parked item becomes cancelled as of <paramref name="now"/> (kept, then purged like
    /// other settled items). False when it is not parked.
    /// </summary>
    Task<bool> DiscardParkedAsync(long id, DateTime now, CancellationToken cancellationToken);

    /// <summary>Deletes done and cancelled items completed before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTime before, CancellationToken cancellationToken);
}
