using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.WorkQueue;

/// <summary>
/// Deliveries and intents that failed their whole budget, oldest first, as the actor may see them: anyone signed in
/// sees that something is parked, but an item about a private incident they may not see shows neither the incident
/// nor its error (errors can quote channel names made from the title). Payloads are never shown: they hold people's
/// words and platform tokens.
/// </summary>
public sealed record ListParkedWork(Actor Actor, int Limit = 100) : IRequest<ParkedWorkList>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <param name="Items">The oldest parked items, at most the limit asked for.</param>
/// <param name="Total">How many are parked in all.</param>
public sealed record ParkedWorkList(IReadOnlyList<ParkedWorkView> Items, int Total);

/// <summary>One parked item.</summary>
/// <param name="Id">The work item, for retry and discard.</param>
/// <param name="Topic">Who runs it (<c>inbox.slack</c>, <c>outbox.teams</c> …).</param>
/// <param name="Kind">What it is (<c>command</c>, <c>incident.announce</c> …).</param>
/// <param name="Incident">The incident it concerns, when the viewer may see it.</param>
/// <param name="Hidden">It concerns an incident the viewer may not see: incident and error are left out.</param>
/// <param name="Attempts">Runs that failed before it was parked.</param>
/// <param name="CreatedAt">When it was stored (a delivery: when it arrived).</param>
/// <param name="ParkedAt">When its last attempt failed.</param>
/// <param name="LastError">What the last attempt failed with (null when hidden).</param>
public sealed record ParkedWorkView(long Id, string Topic, string Kind, ParkedWorkIncident? Incident, bool Hidden, int Attempts,
    DateTime CreatedAt, DateTime? ParkedAt, string? LastError);

public sealed record ParkedWorkIncident(int Number, string Reference);

internal sealed class ListParkedWorkHandler(IWorkQueueStore queue, IncidentWorkspace workspace) : IRequestHandler<ListParkedWork, ParkedWorkList>
{
    public async Task<ParkedWorkList> Handle(ListParkedWork request, CancellationToken cancellationToken)
    {
        var items = await queue.ListAsync(topic: null, WorkStatus.Parked, Math.Clamp(request.Limit, 1, 500), cancellationToken);
        var health = await queue.HealthAsync(workspace.Now, cancellationToken);
        var incidentIds = items.Where(i => i.IncidentId is not null).Select(i => i.IncidentId!.Value).Distinct().ToList();
        var visible = incidentIds.Count == 0
            ? []
            : (await workspace.Store.FindManyAsync(incidentIds, cancellationToken)).Where(i => workspace.CanSee(i, request.Actor)).ToDictionary(i => i.Id);

        var views = items.Select(item =>
        {
            var incident = item.IncidentId is { } id && visible.TryGetValue(id, out var seen) ? new ParkedWorkIncident(seen.Number, seen.Reference) : null;
            var hidden = item.IncidentId is not null && incident is null;
            return new ParkedWorkView(item.Id, item.Topic, item.Kind, incident, hidden, item.Attempts, item.CreatedAt, item.CompletedAt,
                hidden ? null : item.LastError);
        }).ToList();

        // Counted apart from the page read, so an item parked in between can make the list one short of the total.
        return new ParkedWorkList(views, Math.Max(health.Parked, views.Count));
    }
}
