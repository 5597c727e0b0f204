using System.Runtime.CompilerServices;
using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Timeline;

/// <summary>
/// An incident's whole timeline for an export, if the actor may see the incident; hidden entries too for whoever may
/// hide them, as on the incident's page.
/// </summary>
public sealed record ExportTimeline(Actor Actor, int Number) : IRequest<TimelineExport>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>
/// The incident, and its entries in time order, read from the store a page at a time while they are enumerated: an
/// export of a hundred thousand entries holds a page of them, never the timeline. Enumerate it once, within the
/// request that asked for it.
/// </summary>
public sealed record TimelineExport(IncidentSummary Summary, IAsyncEnumerable<TimelineEntryView> Entries);

internal sealed class ExportTimelineHandler(IncidentWorkspace workspace, IncidentPermissions permissions) : IRequestHandler<ExportTimeline, TimelineExport>
{
    /// <summary>Entries whose authors' names are looked up together.</summary>
    private const int Batch = 500;

    public async Task<TimelineExport> Handle(ExportTimeline request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        var showHidden = permissions.Allows(IncidentAction.EditTimeline, incident, request.Actor);
        var lead = incident.CurrentHolder(workspace.Incidents.LeadRole);
        var names = await People.NamesAsync(workspace.People, [lead?.PersonKey], cancellationToken);
        return new TimelineExport(workspace.Summary(incident, names), EntriesAsync(incident, showHidden, CancellationToken.None));
    }

    private async IAsyncEnumerable<TimelineEntryView> EntriesAsync(Incident incident, bool showHidden, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<TimelineEntry>(Batch);
        await foreach (var entry in workspace.Timeline.ReadAsync(incident.Id, cancellationToken))
        {
            if (entry.Hidden && !showHidden)
            {
                continue;
            }

            batch.Add(entry);
            if (batch.Count == Batch)
            {
                foreach (var view in await ViewsAsync(incident, batch, cancellationToken))
                {
                    yield return view;
                }

                batch.Clear();
            }
        }

        foreach (var view in await ViewsAsync(incident, batch, cancellationToken))
        {
            yield return view;
        }
    }

    private async Task<IEnumerable<TimelineEntryView>> ViewsAsync(Incident incident, List<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        var names = await People.NamesAsync(workspace.People, TimelineEntryView.PeopleOf(entries), cancellationToken);
        return entries.Select(e => TimelineEntryView.Of(e, incident, names));
    }
}
