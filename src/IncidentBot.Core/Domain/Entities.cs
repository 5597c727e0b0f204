namespace IncidentBot.Core.Domain;

/// <summary>A person seen by the bot, with the display name last seen for them.</summary>
public sealed class Person
{
    public required string Key { get; set; }
    public required string DisplayName { get; set; }
    public string? TenantId { get; set; }

    /// <summary>When the name or tenant last changed (seeing the same again writes nothing).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Why someone is a member; one row per reason so a leave only removes what it should.</summary>
public enum MembershipSource
{
    Declarer = 0,
    RoleHolder = 1,
    Channel = 2,
    Explicit = 3,
}

public sealed class IncidentMember
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string PersonKey { get; set; }
    public MembershipSource Source { get; set; }
    public bool Active { get; set; } = true;
    public DateTime Since { get; set; }
    public DateTime? Until { get; set; }
    public string? TenantId { get; set; }
}

/// <summary>A role held by a person for a while; a handover ends one row and starts another.</summary>
public sealed class RoleAssignment
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Role { get; set; }
    public required string PersonKey { get; set; }
    public required string AssignedBy { get; set; }
    public DateTime AssignedAt { get; set; }
    public DateTime? RelievedAt { get; set; }
    public string? TenantId { get; set; }
}

public enum TimelineKind
{
    Declared = 0,
    StatusChanged = 1,
    SeverityChanged = 2,
    RoleAssigned = 3,
    Update = 4,
    Note = 5,
    Captured = 6,
    ActionItemAdded = 7,
    ImpactStartedSet = 8,
    Resolved = 9,
    Cancelled = 10,
    MarkedDuplicate = 11,
    DuplicateMerged = 12,
    Reopened = 13,
    MemberJoined = 14,
    MemberLeft = 15,
    ActionItemChanged = 16,
}

public sealed class TimelineEntry
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public TimelineKind Kind { get; set; }

    /// <summary>When it happened (a captured message keeps its original time).</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>When the bot recorded it.</summary>
    public DateTime RecordedAt { get; set; }

    public required string AuthorKey { get; set; }
    public string Text { get; set; } = string.Empty;
    public string? Before { get; set; }
    public string? After { get; set; }

    /// <summary>The platform's id of a captured message (e.g. <c>slack:C123:1712345678.000100</c>): the same message is stored once.</summary>
    public string? ExternalId { get; set; }

    public string? Link { get; set; }
    public bool Hidden { get; set; }

    /// <summary>Set on entries copied in when a duplicate incident's timeline joined this one.</summary>
    public int? MergedFromNumber { get; set; }

    public string? TenantId { get; set; }
}

/// <summary>Someone marked (or unmarked) a timeline entry as a key moment of the incident; the last mark of an entry holds.</summary>
public sealed class KeyMomentMark
{
    public long EntryId { get; set; }
    public bool Key { get; set; }
    public required string ByKey { get; set; }
    public DateTime At { get; set; }
}

/// <summary>An audit record of a facilitator's change to a timeline entry: nothing a timeline held is ever lost.</summary>
public sealed class TimelineEdit
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public long EntryId { get; set; }
    public required string EditorKey { get; set; }
    public DateTime At { get; set; }
    public required string OldText { get; set; }
    public required string NewText { get; set; }
    public bool OldHidden { get; set; }
    public bool NewHidden { get; set; }
}

/// <summary>Where a follow-up stands. Stored by name; items stored before there was a status read as open or done.</summary>
public enum ActionItemStatus
{
    Open = 0,
    Done = 1,
    WontDo = 2,
}

/// <summary>A follow-up of an incident: who does it, by when, where it is tracked, and whether it got done.</summary>
public sealed class ActionItem
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Text { get; set; }
    public string? OwnerKey { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public ActionItemStatus Status { get; set; }

    /// <summary>The day it is due, in the review meeting's time zone; overdue from the next day on.</summary>
    public DateOnly? DueOn { get; set; }

    /// <summary>Where the work is tracked (a ticket), an http(s) address.</summary>
    public string? Link { get; set; }

    /// <summary>When it was last marked done or won't do, and by whom; cleared by a reopen.</summary>
    public DateTime? ClosedAt { get; set; }

    public string? ClosedBy { get; set; }

    /// <summary>Why it won't be done.</summary>
    public string? Reason { get; set; }

    public string? TenantId { get; set; }

    public bool IsOverdue(DateOnly today) => Status == ActionItemStatus.Open && DueOn < today;
}

/// <summary>
/// One edit of a section people write in the review doc: the section's whole text after the edit, who wrote it and when.
/// Edits are only ever added, so every version of what was written is kept.
/// </summary>
public sealed class ReviewSectionEdit
{
    public required string Section { get; set; }
    public required string Text { get; set; }
    public required string AuthorKey { get; set; }
    public DateTime At { get; set; }
}

/// <summary>One resolve: an incident reopened and resolved again keeps every earlier one with its summary.</summary>
public sealed class ResolutionRecord
{
    public DateTime At { get; set; }
    public required string ByKey { get; set; }
    public string? Summary { get; set; }
}

/// <summary>A note or decision the review meeting recorded about the incident.</summary>
public sealed class ReviewNote
{
    public required string Text { get; set; }
    public bool Decision { get; set; }
    public required string AuthorKey { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// Where an incident lives on a platform (a Slack channel, a Teams channel or thread). Adapters write
/// these; the core reads them to know which incident a command typed in a channel is about.
/// </summary>
public sealed class IncidentChannel
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Platform { get; set; }
    public required string ChannelId { get; set; }
    public string? TenantId { get; set; }
    public string? Name { get; set; }
    public DateTime CreatedAt { get; set; }
}

