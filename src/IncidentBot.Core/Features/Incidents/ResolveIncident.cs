using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Close the incident as fixed; the review is booked through the outbox.</summary>
public sealed record ResolveIncident(Actor Actor, int Number, string? Summary = null) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Summary, Summary)];
}

internal sealed class ResolveIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<ResolveIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ResolveIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Resolve, incident, request.Actor);
        incident.Resolve(request.Actor, workspace.Now, request.Summary);
        await EnqueueResolutionAsync(workspace, incident, cancellationToken);
        return await workspace.CommitAsync(incident, "resolved", request.Actor, cancellationToken);
    }

    internal static async Task EnqueueResolutionAsync(IncidentWorkspace workspace, Incident incident, CancellationToken cancellationToken)
    {
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Enqueue(new PostToIncident(incident.Id, IncidentTexts.ResolutionSummary(incident), null));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Resolved, incident.Summary, cancellationToken);
        workspace.Enqueue(new ScheduleIncidentReview(incident.Id));
        workspace.Enqueue(new CloseIncidentChannel(incident.Id));
    }
}
