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
        var open = workspace.QueryFor(request.Actor, open: true);

        // One query per severity, most severe first: the newest incidents must not push an older SEV1 off the list.
        var shown = new List<Incident>();
        var counted = 0;
        foreach (var severity in options.Severities)
        {
            var page = await workspace.Store.ListAsync(open with { Severity = severity.Name, Take = limit - shown.Count }, cancellationToken);
            counted += page.Total;
            shown.AddRange(page.Items);
        }

        // Severities no longer configured (renamed since the incident was declared) come last.
        var all = await workspace.Store.ListAsync(open with { Take = shown.Count < limit ? limit : 0 }, cancellationToken);
        if (all.Total > counted)
        {
            shown.AddRange(all.Items.Where(i => options.RankOf(i.Severity) < 0).Take(limit - shown.Count));
        }

        var names = await People.NamesAsync(workspace.People, shown.Select(i => i.CurrentHolder(options.LeadRole)?.PersonKey), cancellationToken);
        return new OpenIncidents(shown.Select(i => workspace.Summary(i, names)).ToList(), all.Total);
    }
}
