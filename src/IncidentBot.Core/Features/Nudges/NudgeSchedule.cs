using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// Keeps each open incident's nudges scheduled as it changes, in the change that changes it: any activity pushes the
/// quiet-incident check back, an update (or a declare, a status or severity change, a reopen) restarts the update
/// reminder's clock, and closing the incident calls both off. The checks are timed work items with a name per
/// incident and kind, so each reschedule moves the one pending item.
/// </summary>
internal static class NudgeSchedule
{
    /// <summary>What restarts the update reminder's clock: the stakeholders heard something.</summary>
    internal static readonly TimelineKind[] UpdateKinds =
        [TimelineKind.Declared, TimelineKind.Update, TimelineKind.StatusChanged, TimelineKind.SeverityChanged, TimelineKind.Reopened];

    /// <summary>The name of the pending check in the work queue (the executor's name, then its unique key).</summary>
    public static string QueueName(NudgeKind kind, long incidentId) => $"{NudgesExecutor.ExecutorName}:{UniqueKey(kind, incidentId)}";

    public static string UniqueKey(NudgeKind kind, long incidentId) => $"{NudgeTexts.Word(kind)}:{incidentId}";

    /// <summary>Called for each incident a change wrote or added timeline entries to.</summary>
    public static void Follow(Incident incident, IReadOnlyList<TimelineEntry> added, IncidentsOptions options, StoreChange change, Action<IOutboxIntent> enqueue)
    {
        if (!incident.IsOpen)
        {
            change.Cancelled.Add(QueueName(NudgeKind.UpdateReminder, incident.Id));
            change.Cancelled.Add(QueueName(NudgeKind.Stale, incident.Id));
            return;
        }

        if (options.StaleAfter is { } quiet)
        {
            enqueue(new CheckNudge(incident.Id, NudgeKind.Stale, quiet));
        }

        if (added.Any(e => UpdateKinds.Contains(e.Kind)) && options.UpdateReminderFor(incident.Severity) is { } every)
        {
            enqueue(new CheckNudge(incident.Id, NudgeKind.UpdateReminder, every));
        }
    }
}
