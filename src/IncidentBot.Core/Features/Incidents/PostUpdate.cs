using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>A status update for stakeholders: into the timeline, the channel and the announcements channel.</summary>
public sealed record PostUpdate(Actor Actor, int Number, string Text) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, Text)];
}

internal sealed class PostUpdateHandler(IncidentWorkspace workspace) : IRequestHandler<PostUpdate, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(PostUpdate request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Update, incident, request.Actor);
        var entry = incident.PostUpdate(request.Text, request.Actor, workspace.Now);
        workspace.Enqueue(new PostToIncident(incident.Id, $"Update from {request.Actor.DisplayName}: {entry.Text}", request.Actor.PersonKey));
        await workspace.AnnounceAsync(incident, AnnouncementKind.Update, entry.Text, cancellationToken);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        return await workspace.CommitAsync(incident, "update posted", request.Actor, cancellationToken);
    }
}
