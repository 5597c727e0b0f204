using System.Runtime.CompilerServices;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbTimelineStore(LiteDbDatabase database) : ITimelineStore
{
    private const int PageSize = 500;

    public Task<IReadOnlyList<TimelineEntry>> ListAsync(long incidentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TimelineEntry> entries = database.Timeline.Find(x => x.IncidentId == incidentId)
            .OrderBy(e => e.OccurredAt)
            .ThenBy(e => e.Id)
            .ToList();
        return Task.FromResult(entries);
    }

    /// <summary>
    /// LiteDB orders by one index only, so the order comes from two fields of each of the incident's entries (its
    /// <c>IncidentId</c> index finds them), and the entries themselves are read by id a page at a time.
    /// </summary>
    public async IAsyncEnumerable<TimelineEntry> ReadAsync(long incidentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var order = database.Timeline.Query()
            .Where(LiteDbExpressions.Get("$.IncidentId = @0", incidentId))
            .Select(LiteDbExpressions.Get("{ _id: $._id, at: $.OccurredAt }"))
            .ToDocuments()
            .Select(d => (At: d["at"].AsDateTime, Id: d["_id"].AsInt64))
            .ToArray();
        Array.Sort(order);
        for (var start = 0; start < order.Length; start += PageSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The ids as a parameter: written into the expression they would make a new one each page, which LiteDB
            // compiles (a dynamic method each) and keeps for good — 300 MB and 35 s over 100,000 entries.
            var end = Math.Min(start + PageSize, order.Length);
            var ids = new BsonArray();
            for (var i = start; i < end; i++)
            {
                ids.Add(order[i].Id);
            }

            var page = database.Timeline.Find(LiteDbExpressions.Get("_id IN @0", ids)).ToDictionary(e => e.Id);
            for (var i = start; i < end; i++)
            {
                // One deleted since the order was read is left out: an export reads what is there.
                if (page.TryGetValue(order[i].Id, out var entry))
                {
                    yield return entry;
                }
            }

            await Task.Yield();
        }
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
