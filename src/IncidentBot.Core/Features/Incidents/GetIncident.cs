using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>An incident with its roles, members, action items and timeline, if the actor may see it.</summary>
public sealed record GetIncident(Actor Actor, int Number, bool IncludeHidden = false) : IRequest<IncidentDetails>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>
/// The same, for the platform executors rendering status cards and announcements: by id, without a person's
/// visibility filter (an executor is not a person; what it posts where is its own rule).
/// </summary>
public sealed record ReadIncident(long IncidentId) : IRequest<IncidentDetails>;

internal sealed class GetIncidentHandler(IncidentWorkspace workspace, IncidentPermissions permissions) : IRequestHandler<GetIncident, IncidentDetails>, IRequestHandler<ReadIncident, IncidentDetails>
{
    public async Task<IncidentDetails> Handle(GetIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: true, cancellationToken);
        var permitted = Enum.GetValues<IncidentAction>().Where(a => a != IncidentAction.Declare && permissions.Allows(a, incident, request.Actor)).ToHashSet();

        // Whoever may hide entries sees the hidden ones, to show them again.
        var details = await DescribeAsync(incident, request.IncludeHidden && permitted.Contains(IncidentAction.EditTimeline), cancellationToken);
        return details with { Permitted = permitted };
    }

    public async Task<IncidentDetails> Handle(ReadIncident request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadByIdAsync(request.IncidentId, withTimeline: true, cancellationToken);
        return await DescribeAsync(incident, showHidden: false, cancellationToken);
    }

    private async Task<IncidentDetails> DescribeAsync(Incident incident, bool showHidden, CancellationToken cancellationToken)
    {
        var timeline = incident.Timeline
            .Where(t => showHidden || !t.Hidden)
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id)
            .ToList();

        var keys = new List<string?> { incident.DeclaredBy };
        keys.AddRange(incident.Roles.SelectMany(r => new[] { r.PersonKey, r.AssignedBy }));
        keys.AddRange(incident.Members.Select(m => m.PersonKey));
        keys.AddRange(incident.ActionItems.SelectMany(a => new[] { a.OwnerKey, a.CreatedBy }));
        keys.AddRange(TimelineEntryView.PeopleOf(timeline));
        keys.AddRange(incident.Resolutions.Select(r => r.ByKey));
        keys.AddRange(incident.ReviewNotes.Select(n => n.AuthorKey));
        var names = await People.NamesAsync(workspace.People, keys, cancellationToken);

        var summary = workspace.Summary(incident, names);
        var roleOrder = workspace.Incidents.RoleNames.ToList();

        return new IncidentDetails(
            summary,
            incident.Description,
            incident.Summary,
            incident.CancelReason,
            incident.DuplicateOfNumber,
            People.View(incident.DeclaredBy, names),
            incident.ImpactStartedAt,
            incident.IdentifiedAt,
            incident.MitigatedAt,
            incident.ResolvedAt,
            incident.ClosedAt,
            incident.Roles.Where(r => r.RelievedAt == null)
                .OrderBy(r => roleOrder.FindIndex(n => string.Equals(n, r.Role, StringComparison.OrdinalIgnoreCase)) is var i && i < 0 ? int.MaxValue : i)
                .Select(r => new RoleView(r.Role, People.View(r.PersonKey, names), r.AssignedAt)).ToList(),
            incident.Roles.OrderBy(r => r.AssignedAt).ThenBy(r => r.Id)
                .Select(r => new RoleHistoryView(r.Role, People.View(r.PersonKey, names), People.View(r.AssignedBy, names), r.AssignedAt, r.RelievedAt)).ToList(),
            incident.Members.Where(m => m.Active).Select(m => m.PersonKey).Distinct().Select(k => People.View(k, names)).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            incident.ActionItems.OrderBy(a => a.Id)
                .Select(a => ActionItems.ActionItemViews.Of(a, names)).ToList(),
            timeline.Select(t => TimelineEntryView.Of(t, incident, names)).ToList(),
            incident.Channels.Select(c => new ChannelView(c.Platform, c.ChannelId, c.Name)).ToList())
        {
            Resolutions = incident.Resolutions.Select(r => new ResolutionView(r.At, People.View(r.ByKey, names), r.Summary)).ToList(),
            ReviewNotes = incident.ReviewNotes.Select(n => new ReviewNoteView(n.At, People.View(n.AuthorKey, names), n.Text, n.Decision)).ToList(),
        };
    }
}
