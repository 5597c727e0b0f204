using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Bring a resolved, cancelled or duplicate incident back to investigating.</summary>
public sealed record ReopenIncident(Actor Actor, int Number) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class ReopenIncidentHandler(IncidentWorkspace workspace, ReviewPlans plans) : IRequestHandler<ReopenIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ReopenIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Reopen, incident, request.Actor);
        incident.Reopen(request.Actor, workspace.Now);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Reopened, null, cancellationToken);
        await LeaveOpenAgendaAsync(incident, cancellationToken);
        return await workspace.CommitAsync(incident, "reopened", request.Actor, cancellationToken);
    }

    /// <summary>
    /// A reopened incident is not ready to review: it leaves an agenda that is not fixed yet (resolving books it
    /// again, with the final story). On a fixed agenda it stays: the agenda went out and people prepared for it.
    /// </summary>
    private async Task LeaveOpenAgendaAsync(Incident incident, CancellationToken cancellationToken)
    {
        var sessions = await plans.LoadAsync(plans.Now, cancellationToken);
        if (ReviewPlanner.SessionOf(sessions, incident.Id) is not { } session || ReviewPlanner.IsFrozen(session, plans.Rules, plans.Now))
        {
            return;
        }

        ReviewPlanner.Unbook(sessions, incident.Id);
        plans.Save(sessions);
        workspace.Enqueue(new PostToReviewsChannel(incident.Id,
            $"{incident.Reference} was reopened: it is off the review agenda of {plans.Describe(session.StartUtc)} until it is resolved again."));
    }
}
