using IncidentBot.Core.Domain;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Open incidents the actor may see, most severe first, then newest. <c>IncludeClosed</c> adds recent closed ones.</summary>
public sealed record ListOpenIncidents(Actor Actor, bool IncludeClosed = false, int Limit = 50) : IRequest<IReadOnlyList<IncidentSummary>>;

internal sealed class ListOpenIncidentsHandler(IncidentWorkspace workspace) : IRequestHandler<ListOpenIncidents, IReadOnlyList<IncidentSummary>>
{
    private static readonly IncidentStatus[] Closed = [IncidentStatus.Resolved, IncidentStatus.Cancelled, IncidentStatus.Duplicate];

    public async Task<IReadOnlyList<IncidentSummary>> Handle(ListOpenIncidents request, CancellationToken cancellationToken)
    {
        var query = workspace.Visible(request.Actor).AsNoTracking();
        if (!request.IncludeClosed)
        {
            query = query.Where(i => !Closed.Contains(i.Status));
        }

        var incidents = await query
            .OrderByDescending(i => i.Number)
            .Take(Math.Clamp(request.Limit, 1, 500))
            .Include(i => i.Roles.Where(r => r.RelievedAt == null))
            .AsSplitQuery()
            .ToListAsync(cancellationToken);

        var options = workspace.Incidents;
        var lead = options.LeadRole;
        var names = await People.NamesAsync(workspace.Db, incidents.Select(i => i.CurrentHolder(lead)?.PersonKey), cancellationToken);
        return incidents
            .OrderBy(i => i.IsOpen ? 0 : 1)
            .ThenBy(i => options.RankOf(i.Severity) is var r && r < 0 ? int.MaxValue : r)
            .ThenByDescending(i => i.Number)
            .Select(i =>
            {
                var holder = i.CurrentHolder(lead);
                return new IncidentSummary(i.Id, i.Number, i.Title, i.Severity, i.Status, i.IsPrivate, i.Service, i.DeclaredAt,
                    holder is null ? null : People.View(holder.PersonKey, names), lead);
            })
            .ToList();
    }
}
