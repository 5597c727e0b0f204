using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Outbox;
using MediatR;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// Put an incident's nudge off (<paramref name="Kind"/>, or both when null): its next check moves to
/// <paramref name="Length"/> from now. Whoever may post updates may snooze the reminder to post one.
/// </summary>
public sealed record SnoozeNudge(Actor Actor, int Number, NudgeKind? Kind, TimeSpan Length) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

internal sealed class SnoozeNudgeHandler(IncidentWorkspace workspace) : IRequestHandler<SnoozeNudge, string>
{
    public async Task<string> Handle(SnoozeNudge request, CancellationToken cancellationToken)
    {
        if (request.Length <= TimeSpan.Zero || request.Length > NudgeTexts.MaxSnooze)
        {
            throw new IncidentRuleException($"Snooze for a minute up to {NudgeTexts.Duration(NudgeTexts.MaxSnooze)}, e.g. 30m, 2h or 1d.");
        }

        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Update, incident, request.Actor);
        if (!incident.IsOpen)
        {
            throw new IncidentRuleException($"{incident.Reference} is {incident.Status.ToWord()}: it has no nudges to snooze.");
        }

        IReadOnlyList<NudgeKind> kinds = request.Kind is { } kind ? [kind] : [NudgeKind.UpdateReminder, NudgeKind.Stale];
        foreach (var k in kinds)
        {
            NudgeSchedule.Schedule(workspace.Change, incident.Id, k, request.Length, workspace.Now);
        }

        await workspace.SaveAsync(cancellationToken);
        return NudgeTexts.Snoozed(incident, kinds, request.Length);
    }
}
