using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Timeline;

/// <summary>
/// The timeline entry a chat message was captured as (its platform id, as <see cref="AddTimelineEntry.ExternalId"/>),
/// or null when it never was: what a surface needs to act on a message it only knows by its own id, such as a
/// reaction taken away.
/// </summary>
public sealed record FindCapturedEntry(Actor Actor, int Number, string ExternalId) : IRequest<long?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.PlatformId, ExternalId)];
}

internal sealed class FindCapturedEntryHandler(IncidentWorkspace workspace) : IRequestHandler<FindCapturedEntry, long?>
{
    public async Task<long?> Handle(FindCapturedEntry request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        return await workspace.Timeline.FindCapturedAsync(incident.Id, request.ExternalId, cancellationToken);
    }
}
