namespace IncidentBot.Core.Access;

/// <summary>
/// What a person can do to an incident, one name per row of <c>Incidents:Permissions</c>. The names are the
/// configuration keys (<c>Incidents:Permissions:Resolve</c>); a new action gets a value here, a default in
/// <see cref="PermissionTable"/> and a row in the permission matrix test.
/// </summary>
public enum IncidentAction
{
    /// <summary>Declare an incident (there is no incident yet: only <c>anyone</c> and <c>facilitators</c> apply).</summary>
    Declare,

    /// <summary>Add a note to the timeline.</summary>
    Note,

    /// <summary>Post a status update (broadcast to the channel and the announcements).</summary>
    Update,

    /// <summary>Add a chat message to the timeline (reaction, pin, shortcut, message action).</summary>
    Capture,

    /// <summary>Record a follow-up.</summary>
    ActionItems,

    /// <summary>Give a role nobody holds (to oneself or to someone else).</summary>
    TakeRole,

    /// <summary>Hand a role someone holds to another person.</summary>
    ReassignRole,

    /// <summary>Change the status (investigating, identified, monitoring; resolving is <see cref="Resolve"/>).</summary>
    Status,

    Severity,

    /// <summary>Say when the impact started.</summary>
    ImpactStarted,

    Resolve,

    Cancel,

    /// <summary>Mark the incident a duplicate of another.</summary>
    Duplicate,

    Reopen,

    /// <summary>Hide, show or correct timeline entries (audited).</summary>
    EditTimeline,

    /// <summary>Regenerate the review document.</summary>
    ReviewDoc,

    /// <summary>Book the incident's review (<c>review schedule</c>), even below the severity line.</summary>
    RequestReview,

    /// <summary>Move, skip, extend or unbook review sessions.</summary>
    ReviewSchedule,

    /// <summary>Choose the review's presenter or notetaker.</summary>
    ReviewMeeting,

    /// <summary>Write in the review doc's sections.</summary>
    WriteReviewSection,

    /// <summary>Mark or unmark a timeline entry as a key moment.</summary>
    MarkKeyMoment,

    /// <summary>Regenerate a review doc whose agenda is fixed (before the freeze <see cref="ReviewDoc"/> applies).</summary>
    RefreshFrozenReviewDoc,

    /// <summary>Mark a follow-up done or won't do.</summary>
    CloseActionItem,

    /// <summary>Open a done or dropped follow-up again.</summary>
    ReopenActionItem,

    /// <summary>Set or clear a follow-up's due date.</summary>
    ActionItemDue,

    /// <summary>Link a follow-up to its ticket.</summary>
    ActionItemLink,

    /// <summary>Record the review meeting's notes and decisions (the session's notetaker always may).</summary>
    ReviewNote,
}

/// <summary>Who a row of <c>Incidents:Permissions</c> lets act; the configured words are these names in lower case.</summary>
public enum Grantee
{
    /// <summary>Anyone who can see the incident (a private one: its members and facilitators).</summary>
    Anyone,

    /// <summary>The incident's members: declarer, role holders, people in its channel, people added to it.</summary>
    Members,

    Declarer,

    /// <summary>Anyone holding one of the incident's roles now.</summary>
    Roles,

    /// <summary>Whoever holds the lead role (the first of <c>Incidents:Roles</c>, commander by default).</summary>
    Lead,

    /// <summary>The current holder of the role being handed over (<see cref="IncidentAction.ReassignRole"/> only).</summary>
    Holder,

    /// <summary>The people listed in <c>Reviews:Facilitators</c>.</summary>
    Facilitators,
}
