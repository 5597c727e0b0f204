using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Record when impact began, often before anyone declared.</summary>
public sealed record SetImpactStarted(Actor Actor, int Number, DateTimeOffset At) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class SetImpactStartedHandler(IncidentWorkspace workspace) : IRequestHandler<SetImpactStarted, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(SetImpactStarted request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.ImpactStarted, incident, request.Actor);
        incident.SetImpactStarted(request.At.UtcDateTime, request.Actor, workspace.Now, workspace.Incidents.MaxImpactLead);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        return await workspace.CommitAsync(incident, "impact start set", request.Actor, cancellationToken);
    }
}
