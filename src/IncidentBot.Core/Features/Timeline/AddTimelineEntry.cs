using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features.Timeline;

/// <summary>
/// Add something to the timeline: a note typed by a responder, or a message captured from chat (reaction, pin,
/// message action) with its own author, time and link. A captured message carries its platform id in
/// <see cref="ExternalId"/>; capturing it again changes nothing.
/// </summary>
public sealed record AddTimelineEntry(
    Actor Actor,
    int Number,
    string Text,
    string? ExternalId = null,
    string? AuthorKey = null,
    string? AuthorName = null,
    DateTimeOffset? OccurredAt = null,
    string? Link = null) : IRequest<AddTimelineEntryResult>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() =>
    [
        .. InputValue.Of(Actor),
        new(IsCapture ? InputField.CapturedMessage : InputField.Text, Text),
        new(InputField.PlatformId, ExternalId),
        new(InputField.PersonKey, AuthorKey),
        new(InputField.DisplayName, AuthorName),
        new(InputField.Link, Link),
    ];

    /// <summary>A message captured from chat rather than a note typed for the timeline.</summary>
    public bool IsCapture => ExternalId is not null || AuthorKey is not null;
}

public sealed record AddTimelineEntryResult(IncidentSummary Incident, long EntryId, bool AlreadyCaptured);

internal sealed class AddTimelineEntryHandler(IncidentWorkspace workspace) : IRequestHandler<AddTimelineEntry, AddTimelineEntryResult>
{
    public async Task<AddTimelineEntryResult> Handle(AddTimelineEntry request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(request.IsCapture ? IncidentAction.Capture : IncidentAction.Note, incident, request.Actor);

        // A message captured before is found by the commit's conflict (below), not by asking first: every capture
        // paid for that question, and the answer is nearly always no.
        var now = workspace.Now;
        TimelineEntry entry;
        if (!request.IsCapture)
        {
            entry = incident.AddNote(request.Text, request.Actor, now);
        }
        else
        {
            var author = request.AuthorKey ?? request.Actor.PersonKey;
            var text = InputLimits.Apply(InputField.CapturedMessage, request.Text);
            entry = incident.Record(TimelineKind.Captured, request.Actor with { PersonKey = author }, now,
                string.IsNullOrEmpty(text) ? "(no text)" : text);
            entry.OccurredAt = (request.OccurredAt ?? new DateTimeOffset(now)).UtcDateTime;
            entry.ExternalId = request.ExternalId;
            entry.Link = request.Link;
            if (author != request.Actor.PersonKey)
            {
                workspace.Remember(author, request.AuthorName, request.Actor.TenantId);
            }
        }

        try
        {
            var summary = await workspace.CommitAsync(incident, request.ExternalId is null ? "note added" : "message captured", request.Actor, cancellationToken);
            return new AddTimelineEntryResult(summary, entry.Id, AlreadyCaptured: false);
        }
        catch (StoreConflictException conflict) when (conflict.Kind == StoreConflictKind.DuplicateCapture && request.ExternalId is not null)
        {
            // Captured before (another reaction, a pin, a delivery racing this one): the store kept one. Report that one.
            workspace.Reset();
            var fresh = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
            var captured = await workspace.Timeline.FindCapturedAsync(fresh.Id, request.ExternalId, cancellationToken)
                ?? throw new InvalidOperationException("A conflicting capture vanished.");
            return new AddTimelineEntryResult(await workspace.SummarizeAsync(fresh, cancellationToken), captured, AlreadyCaptured: true);
        }
    }
}
