using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// When a change to an incident asks for its review doc to be regenerated: the incident is resolved (only resolved
/// incidents have a doc that follows them) and the change does not already write or schedule the doc. The request
/// is an outbox intent in the same commit, so a crash never loses it; the executor coalesces and checks the freeze.
/// </summary>
internal static class ReviewDocRegeneration
{
    private static readonly string[] DocKinds = [IntentTypes.NameOf(typeof(ScheduleIncidentReview)), IntentTypes.NameOf(typeof(ScheduleIncidentReviewDoc))];

    public static bool IsWanted(Incident incident, StoreChange change) =>
        incident.Status == IncidentStatus.Resolved
        && !change.Documents.Exists(d => d.IncidentId == incident.Id)
        && !change.Enqueued.Exists(i => i.IncidentId == incident.Id && DocKinds.Contains(i.Kind, StringComparer.Ordinal));
}
