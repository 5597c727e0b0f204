using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.Extensions.Logging;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.WorkQueue;

/// <summary>
/// A facilitator gives up on a parked item that can never succeed (a deleted channel, a removed platform): it is
/// cancelled, stops counting against readiness, and is purged after <c>Storage:RetainDays</c> like other settled work.
/// Returns what to tell them.
/// </summary>
public sealed record DiscardParkedWork(Actor Actor, long Id) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class DiscardParkedWorkHandler(IWorkQueueStore queue, IncidentWorkspace workspace, ILogger<DiscardParkedWorkHandler> logger)
    : IRequestHandler<DiscardParkedWork, string>
{
    public async Task<string> Handle(DiscardParkedWork request, CancellationToken cancellationToken)
    {
        ParkedWorkRules.RequireFacilitator(workspace, request.Actor, "discard");
        var item = await ParkedWorkRules.FindParkedAsync(queue, request.Id, cancellationToken);
        if (!await queue.DiscardParkedAsync(item.Id, workspace.Now, cancellationToken))
        {
            throw ParkedWorkRules.NotParked(item.Id);
        }

        logger.LogInformation("Parked work item {Id} ({Topic} {Kind}) discarded by {Person}", item.Id, item.Topic, item.Kind, request.Actor.PersonKey);
        return $"Work item {item.Id} ({item.Kind}) is discarded; it will not run.";
    }
}
