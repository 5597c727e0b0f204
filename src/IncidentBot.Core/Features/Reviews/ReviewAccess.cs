using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Who may do what to an incident's review, in one place: writing the doc's sections, marking key moments and
/// changing follow-ups are for the incident's members (declarer, role holders, channel members) and facilitators;
/// refreshing a frozen doc and meeting notes are the facilitators' (and the session's notetaker's).
/// </summary>
internal static class ReviewAccess
{
    public static void RequireContributor(IncidentWorkspace workspace, Incident incident, Actor actor, string what)
    {
        if (!workspace.IsFacilitator(actor) && !incident.IsMember(actor.PersonKey))
        {
            throw new ReviewRuleException($"Only people in {incident.Reference} (its channel, its roles) and review facilitators can {what}.");
        }
    }

    public static void RequireFacilitator(IncidentWorkspace workspace, Actor actor, string what)
    {
        if (!workspace.IsFacilitator(actor))
        {
            throw new ReviewRuleException($"Only review facilitators (Reviews:Facilitators) can {what}.");
        }
    }
}
