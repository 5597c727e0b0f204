using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Access;

/// <summary>
/// Decides whether a person may do an action to an incident as loaded for the change, so the decision and the change
/// see the same state (a request run again after a conflict is decided again). Seeing the incident is decided before
/// this, by the privacy rule; this decides acting on it.
/// </summary>
public sealed class IncidentPermissions(IOptions<IncidentsOptions> incidents, IOptions<FacilitatorOptions> facilitators)
{
    private readonly Lazy<PermissionTable> _table = new(() =>
        PermissionTable.From(incidents.Value.Permissions, []) ?? throw new InvalidOperationException($"{PermissionTable.Key} is invalid; start-up validation names the setting."));

    public IReadOnlyList<Grantee> Who(IncidentAction action) => _table.Value.For(action);

    /// <summary>
    /// Whether <paramref name="actor"/> may do <paramref name="action"/> to <paramref name="incident"/> (null before it
    /// exists); <paramref name="role"/> is the role given or handed over.
    /// </summary>
    public bool Allows(IncidentAction action, Incident? incident, Actor actor, string? role = null) =>
        Who(action).Any(grantee => Is(grantee, incident, actor, role));

    /// <summary>Throws <see cref="PermissionDeniedException"/>, which says who may, unless the actor may.</summary>
    public void Demand(IncidentAction action, Incident? incident, Actor actor, string? role = null)
    {
        if (!Allows(action, incident, actor, role))
        {
            throw new PermissionDeniedException(action, Refusal(action, incident, role));
        }
    }

    /// <summary>"Only the declarer, role holders or a facilitator can resolve INC-4."</summary>
    public string Refusal(IncidentAction action, Incident? incident, string? role = null)
    {
        var reference = incident?.Reference ?? "the incident";
        var who = Who(action).Select(g => Phrase(g, reference, role)).ToList();
        var list = who.Count == 1 ? who[0] : $"{string.Join(", ", who.Take(who.Count - 1))} or {who[^1]}";
        return $"Only {list} can {Verb(action, reference, role)}.";
    }

    private bool Is(Grantee grantee, Incident? incident, Actor actor, string? role) => grantee switch
    {
        Grantee.Anyone => true,
        Grantee.Facilitators => facilitators.Value.IsFacilitator(actor.PersonKey),
        _ when incident is null => false,
        Grantee.Members => incident.IsMember(actor.PersonKey),
        Grantee.Declarer => incident.DeclaredBy == actor.PersonKey,
        Grantee.Roles => incident.Roles.Any(r => r.RelievedAt is null && r.PersonKey == actor.PersonKey),
        Grantee.Lead => incident.CurrentHolder(incidents.Value.LeadRole)?.PersonKey == actor.PersonKey,
        Grantee.Holder => role is not null && incident.CurrentHolder(role)?.PersonKey == actor.PersonKey,
        _ => false,
    };

    private string Phrase(Grantee grantee, string reference, string? role) => grantee switch
    {
        Grantee.Anyone => $"people who can see {reference}",
        Grantee.Members => $"members of {reference}",
        Grantee.Declarer => "the declarer",
        Grantee.Roles => "role holders",
        Grantee.Lead => $"the {incidents.Value.LeadRole}",
        Grantee.Holder => $"the current {role ?? "holder"}",
        _ => "a facilitator",
    };

    private static string Verb(IncidentAction action, string reference, string? role) => action switch
    {
        IncidentAction.Declare => "declare incidents",
        IncidentAction.Note => $"add notes to {reference}",
        IncidentAction.Update => $"post updates on {reference}",
        IncidentAction.Capture => $"add messages to {reference}'s timeline",
        IncidentAction.ActionItems => $"add action items to {reference}",
        IncidentAction.TakeRole => $"give out the {role} role on {reference}",
        IncidentAction.ReassignRole => $"hand over the {role} role on {reference}",
        IncidentAction.Status => $"change the status of {reference}",
        IncidentAction.Severity => $"change the severity of {reference}",
        IncidentAction.ImpactStarted => $"say when the impact on {reference} started",
        IncidentAction.Resolve => $"resolve {reference}",
        IncidentAction.Cancel => $"cancel {reference}",
        IncidentAction.Duplicate => $"mark {reference} a duplicate",
        IncidentAction.Reopen => $"reopen {reference}",
        IncidentAction.EditTimeline => $"hide or correct timeline entries of {reference}",
        IncidentAction.ReviewDoc => $"regenerate the review doc of {reference}",
        IncidentAction.RequestReview => $"book the review of {reference}",
        IncidentAction.ReviewSchedule => $"move, skip, extend or unbook the review of {reference}",
        IncidentAction.ReviewMeeting => $"choose the presenter or notetaker of {reference}'s review",
        IncidentAction.WriteReviewSection => $"write in the review doc of {reference}",
        IncidentAction.MarkKeyMoment => $"mark the key moments of {reference}",
        IncidentAction.RefreshFrozenReviewDoc => $"regenerate the review doc of {reference} once its agenda is fixed",
        IncidentAction.CloseActionItem => $"close follow-ups of {reference}",
        IncidentAction.ReopenActionItem => $"reopen follow-ups of {reference}",
        IncidentAction.ActionItemDue => $"set due dates of {reference}'s follow-ups",
        IncidentAction.ReviewNote => $"record the review meeting's notes on {reference}",
        _ => $"link {reference}'s follow-ups to tickets",
    };
}

/// <summary>The actor may see the incident but not do this to it; the message says who may. Nothing was changed.</summary>
public sealed class PermissionDeniedException(IncidentAction action, string message) : IncidentRuleException(message)
{
    public IncidentAction Action { get; } = action;
}
