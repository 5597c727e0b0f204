using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;

namespace IncidentBot.Core.Features;

/// <summary>
/// The privacy rule, in one place and in the query itself: a private incident is seen only by its active
/// members and by facilitators. Every list and every lookup goes through here.
/// </summary>
public static class IncidentVisibility
{
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, string personKey, bool isFacilitator) =>
        isFacilitator
            ? incidents
            : incidents.Where(i => !i.IsPrivate || i.Members.Any(m => m.Active && m.PersonKey == personKey));

    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, Actor actor, FacilitatorOptions facilitators) =>
        incidents.VisibleTo(actor.PersonKey, facilitators.IsFacilitator(actor.PersonKey));
}
