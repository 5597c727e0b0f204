using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Storage;
using MediatR;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// A note or decision of the review meeting, recorded on the incident (<c>/incident review note …</c>,
/// <c>/incident review decision …</c>, the notes field of the review page); the doc shows them under "Meeting notes".
/// The session's notetaker may always record them; others as <c>Incidents:Permissions</c> says (<c>reviewnote</c>).
/// </summary>
public sealed record RecordReviewNote(Actor Actor, int Number, string Text, bool Decision = false) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, Text)];
}

internal sealed class RecordReviewNoteHandler(IncidentWorkspace workspace, IReviewStore reviews)
    : IRequestHandler<RecordReviewNote, string>
{
    public async Task<string> Handle(RecordReviewNote request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        var session = await reviews.FindBookingSessionAsync(incident.Id, cancellationToken);
        if (session?.NotetakerKey != request.Actor.PersonKey)
        {
            workspace.Demand(IncidentAction.ReviewNote, incident, request.Actor);
        }

        incident.RecordReviewNote(request.Text, request.Decision, request.Actor, workspace.Now);
        await workspace.CommitAsync(incident, request.Decision ? "review decision recorded" : "review note recorded", request.Actor, cancellationToken);
        return $"{(request.Decision ? "Decision" : "Note")} recorded in {incident.Reference}'s review doc ({incident.ReviewNotes.Count} so far).";
    }
}
