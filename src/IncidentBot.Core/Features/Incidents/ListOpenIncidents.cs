using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>
/// Open incidents the actor may see, most severe first, then newest: at most <see cref="Limit"/> of them, and how many
/// are open in all, so that a short list says what it left out.
/// </summary>
public sealed record ListOpenIncidents(Actor Actor, int Limit = 50) : IRequest<OpenIncidents>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>The open incidents shown, and how many are open.</summary>
/// <param name="Items">Most severe first, then newest.</param>
/// <param name="Total">Open incidents the actor may see, shown or not.</param>
public sealed record OpenIncidents(IReadOnlyList<IncidentSummary> Items, int Total)
{
    public int NotShown => Total - Items.Count;
}

internal sealed class ListOpenIncidentsHandler(IncidentWorkspace workspace) : IRequestHandler<ListOpenIncidents, OpenIncidents>
{
    public async Task<OpenIncidents> Handle(ListOpenIncidents request, CancellationToken cancellationToken)
    {
        var options = workspace.Incidents;
        var limit = Math.Clamp(request.Limit, 1, 500);

        // One read of every open incident the actor may see, ranked here: open incidents are few next to resolved ones,
        // and a query per severity cost a chat `list` ten reads of the store. Most severe first, so the newest incidents
        // never push an older SEV1 off the list; severities no longer configured (renamed since) come last.
        var open = await workspace.Store.ListAsync(workspace.QueryFor(request.Actor, open: true, take: int.MaxValue), cancellationToken);
        var shown = open.Items
            .OrderBy(i => options.RankOf(i.Severity) is var rank and >= 0 ? rank : int.MaxValue)
            .ThenByDescending(i => i.Number)
            .Take(limit)
            .ToList();

        var names = await People.NamesAsync(workspace.People, shown.Select(i => i.CurrentHolder(options.LeadRole)?.PersonKey), cancellationToken);
        return new OpenIncidents(shown.Select(i => workspace.Summary(i, names)).ToList(), open.Total);
    }
}
