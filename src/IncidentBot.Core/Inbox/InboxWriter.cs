using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Inbox;

/// <summary>Stores a delivery before it is acknowledged; a second delivery with the same id changes nothing.</summary>
public sealed class InboxWriter(IncidentDbContext db, TimeProvider clock, InboxSignal signal)
{
    /// <summary>True when stored now; false when this delivery was already stored (a retry or a duplicate).</summary>
    public async Task<bool> TryAcceptAsync(string source, string externalId, string kind, string payload, CancellationToken cancellationToken, string? orderingKey = null) =>
        await InsertAsync(source, externalId, kind, payload, orderingKey, claimFor: null, cancellationToken) is not null;

    /// <summary>
    /// Stores the delivery and returns its row id, or null when it was stored before. One statement, same syntax on
    /// SQLite and PostgreSQL, so concurrent duplicates cannot both get in.
    /// </summary>
    public async Task<long?> AcceptAsync(string source, string externalId, string kind, string payload, CancellationToken cancellationToken, string? orderingKey = null) =>
        await InsertAsync(source, externalId, kind, payload, orderingKey, claimFor: null, cancellationToken);

    /// <summary>
    /// Stores the delivery already claimed by this process for <paramref name="lease"/> (its first attempt), so the
    /// caller can run it at once without the inbox worker taking it in between. Null for a duplicate.
    /// </summary>
    public Task<long?> AcceptClaimedAsync(string source, string externalId, string kind, string payload, TimeSpan lease, CancellationToken cancellationToken) =>
        InsertAsync(source, externalId, kind, payload, orderingKey: null, lease, cancellationToken);

    private async Task<long?> InsertAsync(string source, string externalId, string kind, string payload, string? orderingKey, TimeSpan? claimFor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pending = nameof(Work.WorkStatus.Pending);
        var lockedBy = claimFor is null ? null : Work.LeasedWork.Instance;
        DateTime? lockedUntil = claimFor is { } lease ? now + lease : null;
        var attempts = claimFor is null ? 0 : 1;
        var ids = await db.Database.SqlQuery<long>(
            $"""
            INSERT INTO inbox_messages ("Source", "ExternalId", "Kind", "Payload", "OrderingKey", "ReceivedAt", "Status", "DueAt", "Attempts", "LockedBy", "LockedUntil")
            VALUES ({source}, {externalId}, {kind}, {payload}, {orderingKey}, {now}, {pending}, {now}, {attempts}, {lockedBy}, {lockedUntil})
            ON CONFLICT ("Source", "ExternalId") DO NOTHING
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return null;
        }

        if (claimFor is null)
        {
            signal.Raise();
        }

        return ids[0];
    }
}
