using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Features;

public sealed record PersonView(string Key, string Name);

public sealed record IncidentSummary(
    long Id, int Number, string Title, string Severity, IncidentStatus Status, bool IsPrivate, string? Service,
    DateTime DeclaredAt, PersonView? Lead, string LeadRole)
{
    public string Reference => $"INC-{Number}";
}

public sealed record RoleView(string Role, PersonView Holder, DateTime Since);

public sealed record RoleHistoryView(string Role, PersonView Holder, PersonView AssignedBy, DateTime From, DateTime? To);

public sealed record TimelineEntryView(
    long Id, TimelineKind Kind, DateTime OccurredAt, PersonView Author, string Text,
    string? Before, string? After, string? Link, bool Hidden, int? MergedFromNumber)
{
    /// <summary>A key moment of the incident (marked, or a change of status or severity); null where not worked out.</summary>
    public bool? Key { get; init; }

    /// <summary>An entry as people read it: authors by name, and the people a role went from and to.</summary>
    internal static TimelineEntryView Of(TimelineEntry t, Incident incident, IReadOnlyDictionary<string, string> names)
    {
        string? NameOrValue(string? value) => value is not null && names.TryGetValue(value, out var n) ? n : value;
        var role = t.Kind == TimelineKind.RoleAssigned;
        return new TimelineEntryView(t.Id, t.Kind, t.OccurredAt, People.View(t.AuthorKey, names), t.Text,
            role ? NameOrValue(t.Before) : t.Before, role ? NameOrValue(t.After) : t.After, t.Link, t.Hidden, t.MergedFromNumber)
        {
            Key = incident.IsKeyMoment(t),
        };
    }

    /// <summary>The people whose names <see cref="Of"/> needs.</summary>
    internal static IEnumerable<string?> PeopleOf(IEnumerable<TimelineEntry> entries) =>
        entries.SelectMany(t => t.Kind == TimelineKind.RoleAssigned ? new[] { t.AuthorKey, t.Before, t.After } : [t.AuthorKey]);

    /// <summary>One line a person reads: "Status investigating → identified", "commander: Alice → Bob".</summary>
    public string Describe() => Kind switch
    {
        TimelineKind.RoleAssigned => $"{Text}: {Before ?? "nobody"} → {After}",
        _ => Text,
    };
}

/// <summary>A follow-up as people read it; <see cref="DueOn"/> is a day in the review meeting's time zone.</summary>
public sealed record ActionItemView(long Id, string Text, PersonView? Owner, ActionItemStatus Status, PersonView CreatedBy, DateTime CreatedAt)
{
    public DateOnly? DueOn { get; init; }
    public string? Link { get; init; }
    public string? Reason { get; init; }
    public DateTime? ClosedAt { get; init; }

    public bool Done => Status == ActionItemStatus.Done;

    /// <summary>"open", "done", "won't do".</summary>
    public string StatusWord => Status.ToWord();

    public bool IsOverdue(DateOnly today) => Status == ActionItemStatus.Open && DueOn < today;
}

public sealed record ChannelView(string Platform, string ChannelId, string? Name);

public sealed record ResolutionView(DateTime At, PersonView By, string? Summary);

public sealed record ReviewNoteView(DateTime At, PersonView Author, string Text, bool Decision);

public sealed record IncidentDetails(
    IncidentSummary Summary,
    string? Description,
    string? ResolutionSummary,
    string? CancelReason,
    int? DuplicateOfNumber,
    PersonView DeclaredBy,
    DateTime? ImpactStartedAt,
    DateTime? IdentifiedAt,
    DateTime? MitigatedAt,
    DateTime? ResolvedAt,
    DateTime? ClosedAt,
    IReadOnlyList<RoleView> Roles,
    IReadOnlyList<RoleHistoryView> RoleHistory,
    IReadOnlyList<PersonView> Members,
    IReadOnlyList<ActionItemView> ActionItems,
    IReadOnlyList<TimelineEntryView> Timeline,
    IReadOnlyList<ChannelView> Channels)
{
    /// <summary>What the person who asked may do to the incident (<c>Incidents:Permissions</c>), so pages offer only that.</summary>
    public IReadOnlySet<Access.IncidentAction> Permitted { get; init; } = new HashSet<Access.IncidentAction>();

    /// <summary>Every resolve with its summary, oldest first (a reopened incident resolved again has several).</summary>
    public IReadOnlyList<ResolutionView> Resolutions { get; init; } = [];

    /// <summary>The review meeting's notes and decisions, oldest first.</summary>
    public IReadOnlyList<ReviewNoteView> ReviewNotes { get; init; } = [];
}
