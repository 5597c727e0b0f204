using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// A platform-neutral thing that must happen after a change: "ensure the incident's channel", "refresh the
/// status card". Each platform's executor knows how to do it there. Intents carry ids, not snapshots, so an
/// executor running late renders the incident as it is then.
/// </summary>
public interface IOutboxIntent
{
    /// <summary>The incident it is about; 0 for intents about no one incident.</summary>
    long IncidentId { get; }

    /// <summary>
    /// Intents with the same key run one after another, in the order written (<see cref="OrderingKeys"/> for
    /// lanes). Default: the whole incident, after everything written before it and before everything after it.
    /// </summary>
    string OrderingKey => IncidentLanes.Whole(IncidentId);
}

/// <summary>
/// An incident's intents are one family of ordering keys. Its channel (made, adopted, archived) is the whole: nothing
/// goes into a channel before it exists. Once it does, what the channel shows, who is in it and what the announcements
/// channel says do not depend on one another, so each keeps its own order without waiting for the others: a slow
/// invite never holds up the status card.
/// </summary>
public static class IncidentLanes
{
    public static string Whole(long incidentId) => OrderingKeys.Whole(Family(incidentId));

    /// <summary>Messages in the incident's channel, in the order written: the card first, then the updates after it.</summary>
    public static string Posts(long incidentId) => OrderingKeys.Lane(Family(incidentId), OrderingKeys.PostsLane);

    /// <summary>Who is in the channel, and what is told to them alone there (a role's briefing follows its invite).</summary>
    public static string Members(long incidentId) => OrderingKeys.Lane(Family(incidentId), OrderingKeys.MembersLane);

    /// <summary>The incident's announcement and its thread, in the order of the changes they tell.</summary>
    public static string Announcements(long incidentId) => OrderingKeys.Lane(Family(incidentId), OrderingKeys.AnnouncementsLane);

    private static string Family(long incidentId) => $"incident:{incidentId}";
}

/// <summary>Create (or find again) the incident's channel and record it.</summary>
public sealed record EnsureIncidentChannel(long IncidentId) : IOutboxIntent;

/// <summary>Bring people into the incident's channel.</summary>
public sealed record InviteToIncident(long IncidentId, IReadOnlyList<string> PersonKeys) : IOutboxIntent
{
    public string OrderingKey => IncidentLanes.Members(IncidentId);
}

/// <summary>Post the status card, or update it in place when it exists.</summary>
public sealed record RefreshStatusCard(long IncidentId) : IOutboxIntent
{
    public string OrderingKey => IncidentLanes.Posts(IncidentId);
}

public enum AnnouncementKind
{
    Declared,
    SeverityChanged,
    StatusChanged,
    Update,
    Resolved,
    Cancelled,
    Duplicate,
    Reopened,
}

/// <summary>
/// Tell the announcements channel (a private incident's title never goes there). <see cref="At"/> is the incident as
/// the change left it: an announcement sent late still says what changed then, not what is true when it is sent.
/// </summary>
public sealed record AnnounceIncident(long IncidentId, AnnouncementKind Kind, string? Text, AnnouncedState At) : IOutboxIntent
{
    public string OrderingKey => IncidentLanes.Announcements(IncidentId);

    /// <summary>The incident as it is now (title, privacy, reference), with the state of the announced change.</summary>
    public IncidentSummary Describe(IncidentSummary now) => now with { Severity = At.Severity, Status = At.Status, Lead = At.Lead };
}

/// <summary>What an announced change left behind: the facts its announcement states.</summary>
public sealed record AnnouncedState(string Severity, IncidentStatus Status, PersonView? Lead);

/// <summary>Post a message in the incident's channel (an update, the resolution summary).</summary>
public sealed record PostToIncident(long IncidentId, string Text, string? AuthorKey) : IOutboxIntent
{
    public string OrderingKey => IncidentLanes.Posts(IncidentId);
}

/// <summary>
/// The incident closed: a platform may archive its channel (Slack after <c>Slack:ArchiveAfter</c>); executors defer
/// it until then and do nothing if the incident was reopened meanwhile.
/// </summary>
public sealed record CloseIncidentChannel(long IncidentId) : IOutboxIntent;

/// <summary>Book the resolved incident's review (the reviews module executes it).</summary>
public sealed record ScheduleIncidentReview(long IncidentId) : IOutboxIntent
{
    /// <summary>
    /// Bookings share one calendar: run them one after another so incidents take slots in the order they were
    /// resolved, rather than in whichever order parallel runs happen to win the calendar's revision check.
    /// </summary>
    public string OrderingKey => "reviews:booking";
}

/// <summary>Post to the review channels (<c>Reviews:SlackChannel</c>, <c>Reviews:TeamsChannelId</c>): agendas, cancellations, backlog.</summary>
public sealed record PostToReviewsChannel(long IncidentId, string Text) : IOutboxIntent
{
    /// <summary>Review-channel posts keep their own order (agendas, then cancellations), whatever incident they mention.</summary>
    public string OrderingKey => "reviews";
}

/// <summary>
/// Remind the presenter of the review booked for <see cref="SessionStartUtc"/>, at <see cref="DueUtc"/>
/// (<c>Reviews:PresenterReminderHours</c> before the agenda freezes), if the doc's sections are still empty.
/// </summary>
public sealed record RemindReviewPresenter(long IncidentId, DateTime SessionStartUtc, DateTime DueUtc) : IOutboxIntent;

/// <summary>Regenerate the resolved incident's review doc (after its timeline was edited).</summary>
public sealed record ScheduleIncidentReviewDoc(long IncidentId) : IOutboxIntent;

/// <summary>
/// Timed work: at <see cref="AtUtc"/> (<c>Reviews:ReminderTime</c> in the meeting's zone) remind the owners of overdue
/// follow-ups, one message each, and schedule the next day's run. One run is pending at a time.
/// </summary>
public sealed record RemindOverdueFollowUps(DateTime AtUtc) : IOutboxIntent
{
    public long IncidentId => 0;

    public string OrderingKey => "followups";
}

/// <summary>A direct message to one person (a reminder), on the platform the person is from.</summary>
public sealed record RemindPerson(string PersonKey, string Text) : IOutboxIntent
{
    public long IncidentId => 0;

    public string OrderingKey => $"person:{PersonKey}";
}

/// <summary>Write a session's fixed agenda into the organisation's calendar (or cancel the occurrence when nothing is booked).</summary>
public sealed record SyncReviewCalendarEvent(long IncidentId, DateTime SessionStartUtc, string Agenda, bool Cancelled) : IOutboxIntent
{
    public string OrderingKey => "reviews";
}

/// <summary>What a nudge is about.</summary>
public enum NudgeKind
{
    /// <summary>The commander of a severe incident has posted no update for its severity's <c>UpdateReminderMinutes</c>.</summary>
    UpdateReminder,

    /// <summary>An open incident has had no activity for <c>Incidents:StaleAfterHours</c>.</summary>
    Stale,
}

/// <summary>
/// Nudge in the incident's channel: privately to <see cref="PersonKey"/> where the platform can (a reminder to the
/// commander), or to everyone there when it is null. Platforms offer <see cref="Features.Nudges.NudgeTexts.SnoozeChoices"/> on it.
/// </summary>
public sealed record SendNudge(long IncidentId, NudgeKind Kind, string? PersonKey, string Text) : IOutboxIntent
{
    public string OrderingKey => IncidentLanes.Posts(IncidentId);
}

/// <summary>Tell the person who took a role, privately where the platform can, what the role does.</summary>
public sealed record BriefRole(long IncidentId, string PersonKey, string Role, string Text) : IOutboxIntent
{
    /// <summary>After the invite that brings its person into the channel.</summary>
    public string OrderingKey => IncidentLanes.Members(IncidentId);
}

/// <summary>
/// The incident was declared in an existing channel that is to be its channel: the platform joins and links it, and
/// copies the channel's messages of the last <see cref="BackfillMinutes"/> before the declare into the timeline.
/// </summary>
public sealed record AdoptIncidentChannel(long IncidentId, string Platform, string ChannelId, int BackfillMinutes) : IOutboxIntent;
