using IncidentBot.Core.Domain;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Open incidents the actor may see, most severe first, then newest. <c>IncludeClosed</c> adds recent closed ones.</summary>
public sealed record ListOpenIncidents(Actor Actor, bool IncludeClosed = false, int Limit = 50) : IRequest<IReadOnlyList<IncidentSummary>>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class ListOpenIncidentsHandler(IncidentWorkspace workspace) : IRequestHandler<ListOpenIncidents, IReadOnlyList<IncidentSummary>>
{
    public async Task<IReadOnlyList<IncidentSummary>> Handle(ListOpenIncidents request, CancellationToken cancellationToken)
    {
        var page = await workspace.Store.ListAsync(
            workspace.QueryFor(request.Actor, open: request.IncludeClosed ? null : true, take: Math.Clamp(request.Limit, 1, 500)), cancellationToken);
        var options = workspace.Incidents;
        var lead = options.LeadRole;
        var names = await People.NamesAsync(workspace.People, page.Items.Select(i => i.CurrentHolder(lead)?.PersonKey), cancellationToken);
        return page.Items
            .OrderBy(i => i.IsOpen ? 0 : 1)
            .ThenBy(i => options.RankOf(i.Severity) is var r && r < 0 ? int.MaxValue : r)
            .ThenByDescending(i => i.Number)
            .Select(i => workspace.Summary(i, names))
            .ToList();
    }
}
