using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Marks a timeline entry as a key moment of the incident, or unmarks it (<paramref name="Key"/> null: toggle). The
/// review doc's key timeline is the key moments; the mark is kept with who and when.
/// </summary>
public sealed record MarkKeyMoment(Actor Actor, int Number, long EntryId, bool? Key = null) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class MarkKeyMomentHandler(IncidentWorkspace workspace) : IRequestHandler<MarkKeyMoment, string>
{
    public async Task<string> Handle(MarkKeyMoment request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(Access.IncidentAction.MarkKeyMoment, incident, request.Actor);
        var entry = await workspace.Timeline.FindAsync(incident.Id, request.EntryId, cancellationToken);
        if (entry is null || entry.Hidden)
        {
            throw new IncidentRuleException($"{incident.Reference} has no timeline entry #{request.EntryId}; `timeline` and the incident's page number them.");
        }

        var key = incident.MarkKeyMoment(entry, request.Key, request.Actor, workspace.Now);
        await workspace.CommitAsync(incident, $"timeline entry {entry.Id} {(key ? "marked" : "unmarked")} as a key moment", request.Actor, cancellationToken);
        return key
            ? $"Entry #{entry.Id} of {incident.Reference} is a key moment: it goes in the review doc's key timeline."
            : $"Entry #{entry.Id} of {incident.Reference} is no longer a key moment.";
    }
}
