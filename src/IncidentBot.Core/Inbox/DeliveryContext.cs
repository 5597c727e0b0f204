using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// The delivery being processed in this scope, if any. The first change a delivery makes marks its inbox row done
/// in the same transaction, so a crash after the commit can never replay the delivery and apply it twice.
/// </summary>
public sealed class DeliveryContext(TimeProvider clock)
{
    private bool _marked;

    public long? InboxMessageId { get; set; }

    /// <summary>Adds "this delivery is done" to the pending changes of <paramref name="db"/>; once per scope.</summary>
    public async Task MarkDoneWithAsync(IncidentDbContext db, CancellationToken cancellationToken)
    {
        if (_marked || InboxMessageId is not { } id)
        {
            return;
        }

        var row = await db.InboxMessages.FindAsync([id], cancellationToken);
        if (row is not null)
        {
            row.Status = WorkStatus.Done;
            row.CompletedAt = clock.GetUtcNow().UtcDateTime;
            row.LockedBy = null;
            row.LockedUntil = null;
        }

        _marked = true;
    }
}
