using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Close this incident as a duplicate of another; its timeline joins the other's.</summary>
public sealed record MarkDuplicate(Actor Actor, int Number, int OfNumber) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class MarkDuplicateHandler(IncidentWorkspace workspace) : IRequestHandler<MarkDuplicate, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(MarkDuplicate request, CancellationToken cancellationToken)
    {
        if (request.Number == request.OfNumber)
        {
            throw new IncidentRuleException("An incident cannot be a duplicate of itself.");
        }

        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: true, cancellationToken);
        var target = await workspace.LoadAsync(request.OfNumber, request.Actor, withTimeline: true, cancellationToken);
        workspace.Demand(IncidentAction.Duplicate, incident, request.Actor);
        incident.MarkDuplicateOf(target, request.Actor, workspace.Now);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Enqueue(new RefreshStatusCard(target.Id));
        workspace.Enqueue(new PostToIncident(incident.Id, $"{incident.Reference} is a duplicate of {target.Reference}; please continue there.", request.Actor.PersonKey));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Duplicate, target.Reference, cancellationToken);
        workspace.Enqueue(new CloseIncidentChannel(incident.Id));
        return await workspace.CommitAsync(incident, $"duplicate of {target.Reference}", request.Actor, cancellationToken);
    }
}
