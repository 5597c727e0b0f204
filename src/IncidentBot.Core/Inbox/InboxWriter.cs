using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Inbox;

/// <summary>Stores a delivery before it is acknowledged; a second delivery with the same id changes nothing.</summary>
public sealed class InboxWriter(IncidentDbContext db, TimeProvider clock, InboxSignal signal)
{
    /// <summary>True when stored now; false when this delivery was already stored (a retry or a duplicate).</summary>
    public async Task<bool> TryAcceptAsync(string source, string externalId, string kind, string payload, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pending = nameof(Work.WorkStatus.Pending);

        // One statement, same syntax on SQLite and PostgreSQL, so concurrent duplicates cannot both get in.
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO inbox_messages ("Source", "ExternalId", "Kind", "Payload", "ReceivedAt", "Status", "DueAt", "Attempts")
            VALUES ({source}, {externalId}, {kind}, {payload}, {now}, {pending}, {now}, 0)
            ON CONFLICT ("Source", "ExternalId") DO NOTHING
            """, cancellationToken);
        if (inserted > 0)
        {
            signal.Raise();
        }

        return inserted > 0;
    }
}
