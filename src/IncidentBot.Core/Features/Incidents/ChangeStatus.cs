using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>investigating → identified → monitoring → resolved (moving back is allowed: things regress).</summary>
public sealed record ChangeStatus(Actor Actor, int Number, IncidentStatus Status, string? Message = null) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, Message)];
}

internal sealed class ChangeStatusHandler(IncidentWorkspace workspace) : IRequestHandler<ChangeStatus, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ChangeStatus request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(request.Status == IncidentStatus.Resolved ? IncidentAction.Resolve : IncidentAction.Status, incident, request.Actor);
        var before = incident.Status;
        incident.ChangeStatus(request.Status, request.Actor, workspace.Now, request.Message);
        if (incident.Status == IncidentStatus.Resolved)
        {
            await ResolveIncidentHandler.EnqueueResolutionAsync(workspace, incident, cancellationToken);
        }
        else
        {
            workspace.Enqueue(new RefreshStatusCard(incident.Id));
            await workspace.AnnounceAsync(incident, AnnouncementKind.StatusChanged, request.Message, cancellationToken);
        }

        return await workspace.CommitAsync(incident, $"status {before.ToWord()} → {incident.Status.ToWord()}", request.Actor, cancellationToken);
    }
}
