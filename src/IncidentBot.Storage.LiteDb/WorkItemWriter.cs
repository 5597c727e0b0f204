using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The work-item writes shared by the queue and the change store. Runs inside a writer transaction; every item
/// written is applied to the unsettled-work index after the commit.
/// </summary>
internal sealed class WorkItemWriter
{
    public const int MaxErrorLength = 2000;

    /// <summary>
    /// Pending items kept whole beyond the running ones (see <see cref="_pendingItems"/>): 2 s of a 2,000/s backlog, a
    /// few megabytes; a deeper backlog's claims read the rest from the file.
    /// </summary>
    public const int PendingItemsKept = 4_096;

    private readonly ILiteCollection<WorkItem> _work;
    private readonly UnsettledWorkIndex _unsettled;

    /// <summary>
    /// Pending items as last committed, by id, so a claim and a completion change the item without reading it back:
    /// LiteDB's <c>FindById</c> (a query plan, a page read and a deserialisation) was a third of the writer's work per
    /// command. Exact for the same reasons as <see cref="_uniqueKeys"/>; an item written by the running transaction
    /// leaves the map until it commits (a read then finds the transaction's own write in the file, and a rollback
    /// leaves nothing stale), and settled items leave it for good. Running items are always kept (as many as run at
    /// once); other pending ones up to <see cref="PendingItemsKept"/>, so a long backlog is read from the file instead of
    /// held in memory.
    /// </summary>
    private readonly Dictionary<long, WorkItem> _pendingItems = [];

    /// <summary>
    /// Every unique key an item holds, and that item, in memory: asking the file on each delivery (is this event id
    /// new?) was a third of the writer's work per acknowledged command, and an index of the keys in the file cost every
    /// insert besides. One process owns the file, so the map is exact: loaded at open, changed by the writes below only
    /// as they commit. Only the writer thread runs them and their after-commit effects, so the map needs no lock.
    /// </summary>
    private readonly Dictionary<string, long> _uniqueKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the file's work once, in one pass: every unique key, and the unsettled items whole. The file keeps no index
    /// of keys or statuses, each of which every accept, claim and completion paid for, so this is the one full read of
    /// the collection. This process owns the file, so leases left by a stopped one are void: its running items are
    /// released, to be taken over at once.
    /// </summary>
    public WorkItemWriter(LiteDbDatabase database, UnsettledWorkIndex unsettled)
    {
        _work = database.Work;
        _unsettled = unsettled;
        var open = new BsonArray();
        foreach (var row in _work.Query().Select(LiteDbExpressions.Get("{ k: $.UniqueKey, id: $._id, s: $.Status }")).ToDocuments())
        {
            var id = row["id"].AsInt64;
            if (row["k"].IsString)
            {
                _uniqueKeys[row["k"].AsString] = id;
            }

            if (row["s"].AsString is nameof(WorkStatus.Pending) or nameof(WorkStatus.Parked))
            {
                open.Add(id);
            }
        }

        var items = open.Count == 0 ? [] : _work.Find(LiteDbExpressions.Get("_id IN @0", open)).ToList();
        ReleaseLeases(database.Db, items);
        unsettled.Load(items);
        foreach (var item in items)
        {
            Keep(_pendingItems, item);
        }
    }

    /// <summary>A delivery: dropped (false) when an item with its unique key exists, whatever its state.</summary>
    public bool Accept(WriteScope scope, WorkItem item)
    {
        if (item.UniqueKey is { } uniqueKey && HolderOf(scope, uniqueKey) is not null)
        {
            return false;
        }

        item.Id = 0;
        item.Status = WorkStatus.Pending;
        item.CompletedAt = null;
        if (item.CreatedAt == default)
        {
            item.CreatedAt = scope.Now;
        }

        if (item.LeaseOwner is null)
        {
            item.LeaseUntil = null;
        }

        _work.Insert(item);
        TakeUniqueKey(scope, item);
        Track(scope, item);
        return true;
    }

    /// <summary>Work left by a change. A unique key reschedules the pending, unclaimed item of that key in place.</summary>
    public void Enqueue(WriteScope scope, WorkItem item)
    {
        item.Id = 0;
        item.Status = WorkStatus.Pending;
        item.CompletedAt = null;
        if (item.CreatedAt == default)
        {
            item.CreatedAt = scope.Now;
        }

        if (item.UniqueKey is { } uniqueKey && HolderOf(scope, uniqueKey) is { } holder && Read(holder) is { } existing)
        {
            if (existing.Status == WorkStatus.Pending && !IsRunning(existing, scope.Now))
            {
                existing.Payload = item.Payload;
                existing.DueAt = item.DueAt;
                existing.Kind = item.Kind;
                existing.Key = item.Key;
                existing.TraceParent = item.TraceParent;

                // A lapsed lease's owner may still be running the old payload: it must not settle the new one.
                existing.LeaseOwner = null;
                existing.LeaseUntil = null;
                _work.Update(existing);
                Track(scope, existing);
                var id = existing.Id;
                scope.AfterCommit(() => item.Id = id);
                return;
            }

            // Settled, or running right now: the old row gives up the key and the new work stands on its own.
            existing.UniqueKey = null;
            _work.Update(existing);
            Track(scope, existing);
        }

        _work.Insert(item);
        TakeUniqueKey(scope, item);
        Track(scope, item);
    }

    /// <summary>Calls off the pending, unclaimed item holding <paramref name="uniqueKey"/>, if any.</summary>
    public void Cancel(WriteScope scope, string uniqueKey)
    {
        if (HolderOf(scope, uniqueKey) is not { } holder || Read(holder) is not { Status: WorkStatus.Pending } item || IsRunning(item, scope.Now))
        {
            return;
        }

        item.Status = WorkStatus.Cancelled;
        item.CompletedAt = scope.Now;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
        _work.Update(item);
        Track(scope, item);
    }

    public void Complete(WriteScope scope, WorkCompletion completion)
    {
        if (!TryComplete(scope, completion))
        {
            throw LeaseLost(completion);
        }
    }

    public static StoreConflictException LeaseLost(WorkCompletion completion) => new(StoreConflictKind.LeaseLost,
        $"Work item {completion.Id} is no longer leased by {completion.Owner}; nothing was written.");

    /// <summary>Completes the item; false, writing nothing, when this owner no longer holds its lease.</summary>
    public bool TryComplete(WriteScope scope, WorkCompletion completion)
    {
        var item = Read(completion.Id);
        if (item is not { Status: WorkStatus.Pending } || item.LeaseOwner != completion.Owner)
        {
            return false;
        }

        item.Status = WorkStatus.Done;
        item.CompletedAt = scope.Now;
        item.Result = completion.Result;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
        _work.Update(item);
        Track(scope, item);
        return true;
    }

    private long? HolderOf(WriteScope scope, string uniqueKey) =>
        scope.HolderOf(uniqueKey) ?? (_uniqueKeys.TryGetValue(uniqueKey, out var id) ? id : null);

    private void TakeUniqueKey(WriteScope scope, WorkItem item)
    {
        if (item.UniqueKey is { } uniqueKey)
        {
            var id = item.Id;
            scope.TakeUniqueKey(uniqueKey, id);
            scope.AfterCommit(() => _uniqueKeys[uniqueKey] = id);
        }
    }

    public List<WorkItem> Claim(WriteScope scope, string topic, string owner, DateTime now, TimeSpan lease, int max)
    {
        var claimed = new List<WorkItem>();
        var runnable = _unsettled.SelectRunnable(topic, now, max);
        var items = ReadAll(runnable);
        foreach (var id in runnable)
        {
            if (!items.TryGetValue(id, out var item) || item.Status != WorkStatus.Pending)
            {
                continue;
            }

            // Its own lapsed lease claimed back by the owner starts no run (the item still runs there): no attempt spent.
            if (item.LeaseOwner != owner)
            {
                item.Attempts++;
            }

            item.LeaseOwner = owner;
            item.LeaseUntil = now + lease;
            _work.Update(item);
            Track(scope, item);
            claimed.Add(item);
        }

        return claimed;
    }

    public List<long> Renew(WriteScope scope, string owner, IReadOnlyCollection<long> ids, DateTime until)
    {
        var lost = new List<long>();
        foreach (var id in ids)
        {
            if (Read(id) is { Status: WorkStatus.Pending } item && item.LeaseOwner == owner)
            {
                item.LeaseUntil = until;
                _work.Update(item);
                Track(scope, item);
            }
            else
            {
                lost.Add(id);
            }
        }

        return lost;
    }

    public bool Retry(WriteScope scope, WorkRetry retry)
    {
        if (Read(retry.Id) is not { Status: WorkStatus.Pending } item || item.LeaseOwner != retry.Owner)
        {
            return false;
        }

        item.LastError = Clip(retry.Reason, MaxErrorLength);
        item.LeaseOwner = null;
        item.LeaseUntil = null;
        if (retry.Park)
        {
            item.Status = WorkStatus.Parked;
            item.CompletedAt = scope.Now;
        }
        else
        {
            item.DueAt = retry.DueAt;
            item.HoldsKey = retry.HoldsKey;
            if (!retry.CountsAsAttempt)
            {
                item.Attempts = Math.Max(0, item.Attempts - 1);
            }
        }

        _work.Update(item);
        Track(scope, item);
        return true;
    }

    public bool RetryParked(WriteScope scope, long id, DateTime now)
    {
        if (_work.FindById(id) is not { Status: WorkStatus.Parked } item)
        {
            return false;
        }

        item.Status = WorkStatus.Pending;
        item.DueAt = now;
        item.Attempts = 0;
        item.HoldsKey = false;
        item.CompletedAt = null;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
        _work.Update(item);
        Track(scope, item);
        return true;
    }

    public bool DiscardParked(WriteScope scope, long id, DateTime now)
    {
        if (_work.FindById(id) is not { Status: WorkStatus.Parked } item)
        {
            return false;
        }

        item.Status = WorkStatus.Cancelled;
        item.CompletedAt = now;
        _work.Update(item);
        Track(scope, item);
        return true;
    }

    /// <summary>Deletes the given items that are still settled (done or cancelled) before <paramref name="before"/>.</summary>
    public int Purge(WriteScope scope, IEnumerable<long> ids, DateTime before)
    {
        var deleted = 0;
        foreach (var id in ids)
        {
            if (_work.FindById(id) is { Status: WorkStatus.Done or WorkStatus.Cancelled, CompletedAt: { } at } item && at < before && _work.Delete(id))
            {
                deleted++;
                if (item.UniqueKey is { } uniqueKey)
                {
                    scope.AfterCommit(() => _uniqueKeys.Remove(uniqueKey));
                }
            }
        }

        return deleted;
    }

    private static bool IsRunning(WorkItem item, DateTime now) => item.LeaseOwner is not null && !(item.LeaseUntil < now);

    /// <summary>The item as this transaction sees it: from memory while it is pending and unwritten here, else from the file.</summary>
    private WorkItem? Read(long id) => _pendingItems.TryGetValue(id, out var kept) ? kept.Copy() : _work.FindById(id);

    /// <summary>Several items as <see cref="Read"/> sees them, those not in memory in one query of the file.</summary>
    private Dictionary<long, WorkItem> ReadAll(IReadOnlyList<long> ids)
    {
        var items = new Dictionary<long, WorkItem>(ids.Count);
        BsonArray? fromFile = null;
        foreach (var id in ids)
        {
            if (_pendingItems.TryGetValue(id, out var kept))
            {
                items[id] = kept.Copy();
            }
            else
            {
                (fromFile ??= []).Add(id);
            }
        }

        if (fromFile is not null)
        {
            foreach (var item in _work.Find(LiteDbExpressions.Get("_id IN @0", fromFile)))
            {
                items[item.Id] = item;
            }
        }

        return items;
    }

    private void Track(WriteScope scope, WorkItem item)
    {
        _pendingItems.Remove(item.Id);
        var written = item.Copy();
        scope.AfterCommit(() =>
        {
            _unsettled.Apply(written);
            Keep(written);
        });
    }

    /// <summary>
    /// Not flushed to disk here: a release lost in a power cut is made again at the next open, and the first write a
    /// caller waits for flushes it with its own.
    /// </summary>
    private void ReleaseLeases(LiteDatabase db, List<WorkItem> items)
    {
        var leased = items.Where(i => i.Status == WorkStatus.Pending && i.LeaseOwner is not null).ToList();
        if (leased.Count == 0)
        {
            return;
        }

        LiteDbTransaction.Run(db, () =>
        {
            foreach (var item in leased)
            {
                item.LeaseOwner = null;
                item.LeaseUntil = null;
                _work.Update(item);
            }
        });
    }

    private void Keep(WorkItem item) => Keep(_pendingItems, item);

    /// <summary>Records an item's committed state: kept if pending (and there is room), else forgotten.</summary>
    private static void Keep(Dictionary<long, WorkItem> kept, WorkItem item)
    {
        if (item.Status == WorkStatus.Pending && (item.LeaseOwner is not null || kept.Count < PendingItemsKept || kept.ContainsKey(item.Id)))
        {
            kept[item.Id] = item;
        }
        else
        {
            // A transaction that wrote the item more than once applies each state in turn: the last one decides.
            kept.Remove(item.Id);
        }
    }

    private static string? Clip(string? text, int max) => text is { Length: > 0 } && text.Length > max ? text[..max] : text;
}
