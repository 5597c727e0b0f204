using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;

namespace IncidentBot.Core.Storage;

/// <summary>
/// Everything one request decided, written in one transaction or not at all: the incident's new state, its new
/// timeline entries, the people it met, the work it leaves behind (intents, timed work) and the completion of the
/// queue item that carried it. Handlers build it after their reads; the store applies it without awaiting anything
/// in between (LiteDB's transactions belong to one thread).
/// </summary>
public sealed class StoreChange
{
    /// <summary>
    /// A new incident (its <see cref="Incident.Id"/> from <see cref="IIncidentStore.NewIncidentIdAsync"/>). The store
    /// gives it the next number inside the transaction (<see cref="Incident.AssignNumber"/>), so numbers never repeat
    /// and a failed declare leaves no gap. Its timeline entries go in <see cref="NewEntries"/> like any others.
    /// </summary>
    public Incident? Declared { get; set; }

    /// <summary>Incidents whose document changed, each written only if the stored version is still the one read.</summary>
    public List<IncidentWrite> Incidents { get; } = [];

    /// <summary>New timeline entries (their ids are set by the commit); a second capture of one message conflicts.</summary>
    public List<TimelineEntry> NewEntries { get; } = [];

    /// <summary>Existing timeline entries rewritten (a facilitator's edit), with the audit records that explain them.</summary>
    public List<TimelineEntry> ChangedEntries { get; } = [];

    public List<TimelineEdit> Edits { get; } = [];

    /// <summary>People to remember (insert, or refresh the display name).</summary>
    public List<Person> People { get; } = [];

    /// <summary>Work to do after the commit. One with a <see cref="WorkItem.UniqueKey"/> replaces a pending item of that key.</summary>
    public List<WorkItem> Enqueued { get; } = [];

    /// <summary>Timed work to call off, by <see cref="WorkItem.UniqueKey"/> (pending items only).</summary>
    public List<string> Cancelled { get; } = [];

    /// <summary>The queue item this change completes; the commit fails if its lease is no longer held.</summary>
    public WorkCompletion? Completes { get; set; }

    /// <summary>A new state of the review calendar, written only if nobody changed it since it was read.</summary>
    public CalendarWrite? Calendar { get; set; }

    /// <summary>Review documents to write (replacing the stored one of the incident).</summary>
    public List<ReviewDocument> Documents { get; } = [];

    public bool IsEmpty => Completes is null && OnlyCompletes;

    /// <summary>Nothing in it but, perhaps, the completion of the work item being run.</summary>
    public bool OnlyCompletes =>
        Declared is null && Incidents.Count == 0 && NewEntries.Count == 0 && ChangedEntries.Count == 0 && Edits.Count == 0 &&
        People.Count == 0 && Enqueued.Count == 0 && Cancelled.Count == 0 && Calendar is null && Documents.Count == 0;
}

/// <summary>An incident document to write if the stored one still has <paramref name="ExpectedVersion"/>; the commit sets the next.</summary>
public sealed record IncidentWrite(Incident Incident, int ExpectedVersion);

/// <summary>Completes a claimed queue item with the change that is its effect.</summary>
public sealed record WorkCompletion(long Id, string Owner, string? Result = null);

/// <summary>
/// Sessions to write (each replaces the stored session with the same start), the freeze checkpoint, and the
/// calendar revision they were planned on.
/// </summary>
public sealed record CalendarWrite(long ExpectedRevision, IReadOnlyList<ReviewSession> Sessions, DateTime? FreezeCheckedUpTo);

/// <summary>Why a commit was refused. Nothing of the change was written.</summary>
public enum StoreConflictKind
{
    /// <summary>The incident changed since it was read: run the request again on fresh data.</summary>
    IncidentVersion,

    /// <summary>The review calendar changed since it was read: plan again.</summary>
    CalendarRevision,

    /// <summary>A timeline entry with the same message id exists for the incident.</summary>
    DuplicateCapture,

    /// <summary>The queue item's lease is no longer held by this owner (it ran out, or the item is settled).</summary>
    LeaseLost,
}

public sealed class StoreConflictException(StoreConflictKind kind, string message) : Exception(message)
{
    public StoreConflictKind Kind { get; } = kind;
}

/// <summary>Applies a <see cref="StoreChange"/> atomically.</summary>
public interface IChangeStore
{
    /// <summary>
    /// Commits the change, or throws <see cref="StoreConflictException"/> and writes nothing. On success the new
    /// incident has its number, new entries and items their ids, and written incidents their new version.
    /// </summary>
    Task CommitAsync(StoreChange change, CancellationToken cancellationToken);
}
