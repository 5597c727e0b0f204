using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Bring a resolved, cancelled or duplicate incident back to investigating.</summary>
public sealed record ReopenIncident(Actor Actor, int Number) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class ReopenIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<ReopenIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ReopenIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Reopen, incident, request.Actor);
        incident.Reopen(request.Actor, workspace.Now);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Reopened, null, cancellationToken);
        return await workspace.CommitAsync(incident, "reopened", request.Actor, cancellationToken);
    }
}
