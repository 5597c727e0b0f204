using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Close the incident as fixed; the review is booked through the outbox.</summary>
public sealed record ResolveIncident(Actor Actor, int Number, string? Summary = null) : IRequest<IncidentSummary>;

internal sealed class ResolveIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<ResolveIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ResolveIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        incident.Resolve(request.Actor, workspace.Now, request.Summary);
        EnqueueResolution(workspace, incident);
        return await workspace.CommitAsync(incident, "resolved", request.Actor, cancellationToken);
    }

    internal static void EnqueueResolution(IncidentWorkspace workspace, Incident incident)
    {
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Enqueue(new PostToIncident(incident.Id, IncidentTexts.ResolutionSummary(incident), null));
        workspace.Enqueue(new AnnounceIncident(incident.Id, AnnouncementKind.Resolved, incident.Summary));
        workspace.Enqueue(new ScheduleIncidentReview(incident.Id));
        workspace.Enqueue(new CloseIncidentChannel(incident.Id));
    }
}
