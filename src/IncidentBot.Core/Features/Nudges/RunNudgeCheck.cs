using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// A nudge check fell due: nudge if the incident is still open and the time has really passed (a snooze or a changed
/// setting may have moved it), then schedule the next check. Returns what it did, for the work item's record.
/// </summary>
public sealed record RunNudgeCheck(long IncidentId, NudgeKind Kind) : IRequest<string>;

internal sealed class RunNudgeCheckHandler(IncidentWorkspace workspace) : IRequestHandler<RunNudgeCheck, string>
{
    public async Task<string> Handle(RunNudgeCheck request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadByIdAsync(request.IncidentId, withTimeline: true, cancellationToken);
        if (!incident.IsOpen)
        {
            return "closed: no nudge";
        }

        var options = workspace.Incidents;
        var now = workspace.Now;
        string outcome;
        if (request.Kind == NudgeKind.UpdateReminder)
        {
            if (options.UpdateReminderFor(incident.Severity) is not { } every)
            {
                return $"{incident.Severity} has no update reminder";
            }

            var last = LastOf(incident, e => NudgeSchedule.UpdateKinds.Contains(e.Kind));
            outcome = Due(incident, request.Kind, last, every, now, since =>
            {
                var lead = incident.CurrentHolder(options.LeadRole)?.PersonKey;
                workspace.Enqueue(new SendNudge(incident.Id, request.Kind, lead, NudgeTexts.UpdateReminder(incident, since, options.LeadRole, lead is not null)));
            });
        }
        else
        {
            if (options.StaleAfter is not { } quiet)
            {
                return "quiet-incident nudges are off";
            }

            var last = LastOf(incident, _ => true);
            outcome = Due(incident, request.Kind, last, quiet, now,
                since => workspace.Enqueue(new SendNudge(incident.Id, request.Kind, null, NudgeTexts.Stale(incident, since))));
        }

        // Commits the nudge, the next check and this check's completion at once.
        await workspace.SaveAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Nudges when <paramref name="every"/> has passed since <paramref name="last"/>; either way the next check is scheduled.</summary>
    private string Due(Incident incident, NudgeKind kind, DateTime last, TimeSpan every, DateTime now, Action<TimeSpan> nudge)
    {
        var dueAt = last + every;
        if (dueAt > now)
        {
            NudgeSchedule.Schedule(workspace.Change, incident.Id, kind, dueAt - now, now);
            return $"not due until {dueAt:O}";
        }

        nudge(now - last);
        NudgeSchedule.Schedule(workspace.Change, incident.Id, kind, every, now);
        return "nudged";
    }

    private static DateTime LastOf(Incident incident, Func<TimelineEntry, bool> counts) =>
        incident.Timeline.Where(counts).Select(e => e.RecordedAt).DefaultIfEmpty(incident.DeclaredAt).Max();
}
