using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// Keeps each open incident's nudge checks scheduled as it changes, in the change that changes it: an update (or a
/// declare, a status or severity change, a reopen) restarts the update reminder's clock and puts the quiet-incident
/// check back, and closing the incident calls both off. A check is a timed work item of topic <see cref="Topic"/> named
/// per incident and kind, so each reschedule moves the one pending item (ADR 9).
/// </summary>
/// <remarks>
/// Other activity (a captured message, a note, a role taken) leaves the quiet-incident check where it is: the check
/// reads the last activity when it runs and, finding some, moves itself to a whole quiet period after it (see
/// <see cref="RunNudgeCheck"/>). Moving it on every capture cost a queue write per message, the larger part of
/// what a busy channel's reactions and pins wrote beyond their timeline rows.
/// </remarks>
internal static class NudgeSchedule
{
    public const string Topic = "timer.nudges";

    /// <summary>What restarts the update reminder's clock: the stakeholders heard something.</summary>
    internal static readonly TimelineKind[] UpdateKinds =
        [TimelineKind.Declared, TimelineKind.Update, TimelineKind.StatusChanged, TimelineKind.SeverityChanged, TimelineKind.Reopened];

    /// <summary>The name of the pending check in the work queue.</summary>
    public static string UniqueKey(NudgeKind kind, long incidentId) => string.Create(CultureInfo.InvariantCulture, $"nudges:{NudgeTexts.Word(kind)}:{incidentId}");

    public static string KindName(NudgeKind kind) => $"nudge.{NudgeTexts.Word(kind)}";

    public static NudgeKind? KindOf(string itemKind) => itemKind.StartsWith("nudge.", StringComparison.Ordinal) ? NudgeTexts.KindOf(itemKind["nudge.".Length..]) : null;

    /// <summary>Checks the incident's nudge of <paramref name="kind"/> <paramref name="after"/> from <paramref name="now"/>, replacing the pending check.</summary>
    public static void Schedule(StoreChange change, long incidentId, NudgeKind kind, TimeSpan after, DateTime now) =>
        change.Enqueued.Add(new WorkItem
        {
            Topic = Topic,
            Kind = KindName(kind),
            Payload = incidentId.ToString(CultureInfo.InvariantCulture),
            UniqueKey = UniqueKey(kind, incidentId),
            IncidentId = incidentId,
            Status = WorkStatus.Pending,
            CreatedAt = now,
            DueAt = now + after,
            TraceParent = WorkTrace.Current(),
        });

    /// <summary>Called for each incident a change wrote or added timeline entries to.</summary>
    public static void Follow(Incident incident, IReadOnlyList<TimelineEntry> added, IncidentsOptions options, StoreChange change, DateTime now)
    {
        if (!incident.IsOpen)
        {
            change.Cancelled.Add(UniqueKey(NudgeKind.UpdateReminder, incident.Id));
            change.Cancelled.Add(UniqueKey(NudgeKind.Stale, incident.Id));
            return;
        }

        if (!added.Any(e => UpdateKinds.Contains(e.Kind)))
        {
            return;
        }

        if (options.StaleAfter is { } quiet)
        {
            Schedule(change, incident.Id, NudgeKind.Stale, quiet, now);
        }

        if (options.UpdateReminderFor(incident.Severity) is { } every)
        {
            Schedule(change, incident.Id, NudgeKind.UpdateReminder, every, now);
        }
    }
}
