using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using MediatR;
using Microsoft.Extensions.Logging;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.WorkQueue;

/// <summary>
/// A facilitator's "try again" for a parked item: it becomes pending, due now, with a fresh budget, and its topic's
/// loop is woken so it runs at once. Returns what to tell them.
/// </summary>
public sealed record RetryParkedWork(Actor Actor, long Id) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class RetryParkedWorkHandler(IWorkQueueStore queue, IncidentWorkspace workspace, WorkSignal signal, ILogger<RetryParkedWorkHandler> logger)
    : IRequestHandler<RetryParkedWork, string>
{
    public async Task<string> Handle(RetryParkedWork request, CancellationToken cancellationToken)
    {
        ParkedWorkRules.RequireFacilitator(workspace, request.Actor, "retry");
        var item = await ParkedWorkRules.FindParkedAsync(queue, request.Id, cancellationToken);
        if (!await queue.RetryParkedAsync(item.Id, workspace.Now, cancellationToken))
        {
            throw ParkedWorkRules.NotParked(item.Id);
        }

        signal.Raise(item.Topic);
        logger.LogInformation("Parked work item {Id} ({Topic} {Kind}) retried by {Person}", item.Id, item.Topic, item.Kind, request.Actor.PersonKey);
        return $"Work item {item.Id} ({item.Kind}) is queued again with a fresh set of attempts.";
    }
}

/// <summary>What retrying and discarding parked work have in common: who may, and which items.</summary>
internal static class ParkedWorkRules
{
    public static void RequireFacilitator(IncidentWorkspace workspace, Actor actor, string verb)
    {
        if (!workspace.IsFacilitator(actor))
        {
            throw new IncidentRuleException($"Only review facilitators (Reviews:Facilitators) can {verb} parked work.");
        }
    }

    public static async Task<WorkItem> FindParkedAsync(IWorkQueueStore queue, long id, CancellationToken cancellationToken) =>
        await queue.FindAsync(id, cancellationToken) is { Status: WorkStatus.Parked } item ? item : throw NotParked(id);

    /// <summary>Someone else retried or discarded it first, or the id is wrong: the same answer.</summary>
    public static IncidentRuleException NotParked(long id) =>
        new($"Work item {id} is not parked (someone may have retried or discarded it already).");
}
