using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Outbox;
using MediatR;

namespace IncidentBot.Core.Features.Timeline;

/// <summary>
/// A facilitator hides a timeline entry or corrects its text. The entry keeps its place; the old text and state go to
/// an audit record, so nothing is lost, and the review doc is regenerated from the edited timeline.
/// </summary>
public sealed record EditTimelineEntry(Actor Actor, int Number, long EntryId, string? NewText = null, bool? Hidden = null) : IRequest<TimelineEntryView>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, NewText)];
}

internal sealed class EditTimelineEntryHandler(IncidentWorkspace workspace) : IRequestHandler<EditTimelineEntry, TimelineEntryView>
{
    public async Task<TimelineEntryView> Handle(EditTimelineEntry request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.EditTimeline, incident, request.Actor);
        var entry = await workspace.Timeline.FindAsync(incident.Id, request.EntryId, cancellationToken)
            ?? throw new IncidentRuleException($"{incident.Reference} has no timeline entry {request.EntryId}.");
        var text = InputLimits.Apply(InputField.Text, request.NewText);
        if (text is { Length: 0 })
        {
            throw new IncidentRuleException("A corrected entry needs some text; hide it instead.");
        }

        var edit = new TimelineEdit
        {
            IncidentId = incident.Id,
            EntryId = entry.Id,
            EditorKey = request.Actor.PersonKey,
            At = workspace.Now,
            OldText = entry.Text,
            OldHidden = entry.Hidden,
            NewText = text ?? entry.Text,
            NewHidden = request.Hidden ?? entry.Hidden,
        };
        if (edit.NewText == edit.OldText && edit.NewHidden == edit.OldHidden)
        {
            throw new IncidentRuleException("That changes nothing.");
        }

        entry.Text = edit.NewText;
        entry.Hidden = edit.NewHidden;
        workspace.Change.ChangedEntries.Add(entry);
        workspace.Change.Edits.Add(edit);
        if (incident.Status == IncidentStatus.Resolved)
        {
            workspace.Enqueue(new ScheduleIncidentReviewDoc(incident.Id));
        }

        await workspace.CommitAsync(incident, $"timeline entry {entry.Id} {(edit.NewHidden != edit.OldHidden ? (edit.NewHidden ? "hidden" : "shown") : "corrected")}", request.Actor, cancellationToken);
        var names = await People.NamesAsync(workspace.People, [entry.AuthorKey], cancellationToken);
        return new TimelineEntryView(entry.Id, entry.Kind, entry.OccurredAt, People.View(entry.AuthorKey, names), entry.Text, entry.Before, entry.After, entry.Link, entry.Hidden, entry.MergedFromNumber);
    }
}

/// <summary>Audit trail of an incident's timeline edits, newest first (facilitators).</summary>
public sealed record GetTimelineEdits(Actor Actor, int Number) : IRequest<IReadOnlyList<TimelineEdit>>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class GetTimelineEditsHandler(IncidentWorkspace workspace) : IRequestHandler<GetTimelineEdits, IReadOnlyList<TimelineEdit>>
{
    public async Task<IReadOnlyList<TimelineEdit>> Handle(GetTimelineEdits request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        var edits = await workspace.Timeline.EditsAsync(incident.Id, cancellationToken);
        return edits.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToList();
    }
}
