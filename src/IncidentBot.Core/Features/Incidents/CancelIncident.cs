using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>A false alarm: closed without a review.</summary>
public sealed record CancelIncident(Actor Actor, int Number, string Reason) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Reason, Reason)];
}

internal sealed class CancelIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<CancelIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(CancelIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Cancel, incident, request.Actor);
        incident.Cancel(request.Actor, workspace.Now, request.Reason);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Cancelled, incident.CancelReason, cancellationToken);
        workspace.Enqueue(new CloseIncidentChannel(incident.Id));
        return await workspace.CommitAsync(incident, "cancelled", request.Actor, cancellationToken);
    }
}
