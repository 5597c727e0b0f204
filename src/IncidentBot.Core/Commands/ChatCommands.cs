using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Commands;

/// <summary>A command typed in chat or the console, already checked for shape (not for permission or state).</summary>
public abstract record ChatCommand
{
    /// <summary>False for the few commands that make sense without an incident (declare, list, help).</summary>
    public abstract bool RequiresIncident { get; }

    /// <summary>The command keyword in its canonical spelling, e.g. "impact-started".</summary>
    public abstract string Name { get; }
}

/// <summary>Start an incident. <paramref name="Severity"/> is a configured name or null; an empty title with no severity means "open the form".</summary>
public sealed record DeclareCommand(string? Severity, string Title) : ChatCommand
{
    public override bool RequiresIncident => false;
    public override string Name => "declare";
}

/// <summary>Set the status: investigating, identified, monitoring (alias mitigated) or resolved.</summary>
public sealed record StatusCommand(IncidentStatus Status, string? Message) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "status";
}

/// <summary>Change the severity to a configured name (canonical spelling).</summary>
public sealed record SeverityCommand(string Severity) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "severity";
}

/// <summary>Give a configured role (canonical spelling) to a person.</summary>
public sealed record RoleCommand(string Role, PersonTarget Person) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "role";
}

/// <summary>Show who holds which role.</summary>
public sealed record RolesCommand() : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "roles";
}

/// <summary>Post a stakeholder update.</summary>
public sealed record UpdateCommand(string Text) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "update";
}

/// <summary>Add a note to the timeline.</summary>
public sealed record NoteCommand(string Text) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "note";
}

/// <summary>Add a follow-up action. A mention as the last word becomes <paramref name="Owner"/> and is removed from <paramref name="Text"/>.</summary>
public sealed record ActionCommand(string Text, PersonTarget? Owner) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "action";
}

/// <summary>What <c>action done|drop|reopen|due|link &lt;n&gt;</c> does to follow-up number <c>n</c>.</summary>
public enum ActionItemChange
{
    Done,
    WontDo,
    Reopen,
    Due,
    Link,
}

/// <summary>
/// A change to an existing follow-up: <see cref="Reason"/> for <see cref="ActionItemChange.WontDo"/>, <see cref="Due"/>
/// (null: no due date) for <see cref="ActionItemChange.Due"/>, <see cref="Link"/> for <see cref="ActionItemChange.Link"/>.
/// </summary>
public sealed record ActionItemCommand(ActionItemChange Change, int Item) : ChatCommand
{
    public string? Reason { get; init; }
    public DateOnly? Due { get; init; }
    public string? Link { get; init; }
    public override bool RequiresIncident => true;
    public override string Name => "action";
}

/// <summary>List the incident's follow-ups.</summary>
public sealed record ActionsCommand : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "actions";
}

/// <summary>Resolve, with an optional summary.</summary>
public sealed record ResolveCommand(string? Summary) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "resolve";
}

/// <summary>Close as a false alarm; the reason is required.</summary>
public sealed record CancelCommand(string Reason) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "cancel";
}

/// <summary>Close as a duplicate of another incident. Whether it names itself is checked by the handler.</summary>
public sealed record DuplicateCommand(int OfIncidentNumber) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "duplicate";
}

/// <summary>Reopen a closed incident.</summary>
public sealed record ReopenCommand() : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "reopen";
}

/// <summary>Put off the incident's nudges (one kind, or both when <paramref name="Kind"/> is null) for a while.</summary>
public sealed record SnoozeCommand(TimeSpan Length, Outbox.NudgeKind? Kind) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "snooze";
}

/// <summary>Record when impact began.</summary>
public sealed record ImpactStartedCommand(TimeSpec When) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "impact-started";
}

/// <summary>List open incidents.</summary>
public sealed record ListCommand() : ChatCommand
{
    public override bool RequiresIncident => false;
    public override string Name => "list";
}

/// <summary>Mark a timeline entry as a key moment, or unmark it.</summary>
public sealed record KeyMomentCommand(long EntryId) : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "key";
}

/// <summary>Show the incident's timeline.</summary>
public sealed record TimelineCommand() : ChatCommand
{
    public override bool RequiresIncident => true;
    public override string Name => "timeline";
}

/// <summary>What a <c>review</c> command asks for. Every action but <see cref="Sessions"/> is about one incident's review.</summary>
public enum ReviewAction
{
    /// <summary><c>review</c>: show the incident's review booking.</summary>
    Show,

    /// <summary><c>review schedule</c>: book the review, even below the severity that books one on its own.</summary>
    Schedule,

    /// <summary><c>review move &lt;yyyy-MM-dd|next&gt;</c>: move the booking to the session on that date, or to the next session.</summary>
    Move,

    /// <summary><c>review skip</c>: skip the session the incident is booked into (facilitators).</summary>
    Skip,

    /// <summary><c>review unbook</c>: take the incident off its session's agenda.</summary>
    Unbook,

    /// <summary><c>review extend</c>: extend the incident's session by one slot.</summary>
    Extend,

    /// <summary><c>review doc</c>: regenerate the review document and link it.</summary>
    Doc,

    /// <summary><c>review notetaker &lt;@person|me&gt;</c>: choose who takes notes.</summary>
    Notetaker,

    /// <summary><c>review presenter &lt;@person|me&gt;</c>: choose who presents the incident.</summary>
    Presenter,

    /// <summary><c>review sessions</c>: list upcoming sessions and their agendas; needs no incident.</summary>
    Sessions,

    /// <summary><c>review write &lt;section&gt; &lt;text&gt;</c>: add a paragraph to a section of the review doc.</summary>
    Write,

    /// <summary><c>review note &lt;text&gt;</c>: record a note of the review meeting.</summary>
    Note,

    /// <summary><c>review decision &lt;text&gt;</c>: record a decision of the review meeting.</summary>
    Decision,

    /// <summary><c>review present</c>: the presenter confirms they will present.</summary>
    Present,
}

/// <summary>
/// A post-incident review command. <paramref name="Date"/> is set only for <see cref="ReviewAction.Move"/> to a typed date;
/// <c>review move next</c> has no date and <see cref="Next"/> true. <paramref name="Person"/> is set only for
/// <see cref="ReviewAction.Notetaker"/> and <see cref="ReviewAction.Presenter"/>.
/// </summary>
public sealed record ReviewCommand(ReviewAction Action, DateOnly? Date, PersonTarget? Person) : ChatCommand
{
    /// <summary>True for <c>review move next</c>: move to the next session rather than to a typed date.</summary>
    public bool Next { get; init; }

    /// <summary>The doc section named by <c>review write</c>.</summary>
    public string? Section { get; init; }

    /// <summary>The text of <c>review write</c>, <c>review note</c> and <c>review decision</c>.</summary>
    public string? Text { get; init; }

    public override bool RequiresIncident => Action != ReviewAction.Sessions;
    public override string Name => "review";
}

/// <summary>Show help; <paramref name="Topic"/> is a canonical command name when one was given.</summary>
public sealed record HelpCommand(string? Topic) : ChatCommand
{
    public override bool RequiresIncident => false;
    public override string Name => "help";
}

/// <summary>
/// A person named in a command: a resolved mention (a key), "me" (the person typing, <paramref name="IsSelf"/>), or a plain
/// name (no key, <see cref="IsByName"/>) still to be looked up among the people the bot knows.
/// </summary>
public sealed record PersonTarget(string? PersonKey, string? DisplayName, bool IsSelf)
{
    /// <summary>"me": the person typing.</summary>
    public static PersonTarget Self { get; } = new(null, null, true);

    /// <summary>Someone named by <paramref name="name"/> as typed, without a mention.</summary>
    public static PersonTarget Named(string name) => new(null, name, false);

    public bool IsByName => !IsSelf && PersonKey is null;
}
