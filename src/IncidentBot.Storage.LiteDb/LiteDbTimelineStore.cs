using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbTimelineStore(LiteDbDatabase database) : ITimelineStore
{
    public Task<IReadOnlyList<TimelineEntry>> ListAsync(long incidentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TimelineEntry> entries = database.Timeline.Find(x => x.IncidentId == incidentId)
            .OrderBy(e => e.OccurredAt)
            .ThenBy(e => e.Id)
            .ToList();
        return Task.FromResult(entries);
    }

    public Task<TimelineEntry?> FindAsync(long incidentId, long entryId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entry = database.Timeline.FindById(entryId);
        return Task.FromResult(entry?.IncidentId == incidentId ? entry : null);
    }

    public Task<long?> FindCapturedAsync(long incidentId, string externalId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(FindCaptured(database, incidentId, externalId));
    }

    public Task<IReadOnlyList<TimelineEdit>> EditsAsync(long incidentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TimelineEdit> edits = database.Edits.Find(x => x.IncidentId == incidentId)
            .OrderBy(e => e.At)
            .ThenBy(e => e.Id)
            .ToList();
        return Task.FromResult(edits);
    }

    /// <summary>
    /// The id of the entry holding the captured message: looked up by the (selective) external id, then narrowed to the
    /// incident. Reads two fields, not the entries: every capture asks, and inside the writer's transaction.
    /// </summary>
    public static long? FindCaptured(LiteDbDatabase database, long incidentId, string externalId)
    {
        var found = database.Timeline.Query()
            .Where(LiteDbExpressions.Get("$.ExternalId = @0", externalId))
            .Select(LiteDbExpressions.Get("{ _id: $._id, incident: $.IncidentId }"))
            .ToDocuments();
        foreach (var entry in found)
        {
            if (entry["incident"].AsInt64 == incidentId)
            {
                return entry["_id"].AsInt64;
            }
        }

        return null;
    }
}
