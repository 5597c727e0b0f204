using IncidentBot.Core.Storage;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The pending work items in memory (topic → keyless items in due order, and topic → key → id order, with the keys of
/// each family of lanes), so a claim visits each key's head and not the whole collection. One process owns the file, so
/// the index is exact: it is loaded at open and every committed write of a work item is applied to it (by the writer,
/// after the commit).
/// </summary>
internal sealed class PendingWorkIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _byId = [];
    private readonly Dictionary<string, TopicQueue> _topics = new(StringComparer.Ordinal);

    /// <summary>Per family, during a claim: the first item its lanes wait for (of its whole) and the first its whole waits for (of its lanes).</summary>
    private readonly Dictionary<string, (long Whole, long Lanes)> _firstBlocking = new(StringComparer.Ordinal);

    public void Load(IEnumerable<WorkItem> pending)
    {
        lock (_gate)
        {
            _byId.Clear();
            _topics.Clear();
            foreach (var item in pending)
            {
                Add(Entry.From(item));
            }
        }
    }

    /// <summary>Records an item's committed state: pending items are (re)indexed, settled ones dropped.</summary>
    public void Apply(WorkItem item)
    {
        lock (_gate)
        {
            Remove(item.Id);
            if (item.Status == WorkStatus.Pending)
            {
                Add(Entry.From(item));
            }
        }
    }

    /// <summary>
    /// The items a claim at <paramref name="now"/> may take, following <see cref="WorkItem"/>'s rules: the head of each
    /// key (its oldest item that is running, due, or holds the key: runnable only when due and not running), and the
    /// keyless items due and not running, the <paramref name="max"/> first in due order. Visits each key once and the
    /// keyless items only up to the cut, never every item of a backlogged key.
    /// </summary>
    public IReadOnlyList<long> SelectRunnable(string topic, DateTime now, int max)
    {
        lock (_gate)
        {
            if (max <= 0 || !_topics.TryGetValue(topic, out var queue))
            {
                return [];
            }

            var best = new SortedSet<Entry>(DueOrder.Instance);
            void Offer(Entry entry)
            {
                best.Add(entry);
                if (best.Count > max)
                {
                    best.Remove(best.Max!);
                }
            }

            FindFirstBlocking(queue, now);
            foreach (var (key, items) in queue.ByKey)
            {
                if (Head(items, now) is not { } head)
                {
                    continue;
                }

                // A lane waits for an earlier item of its whole; the whole (whose own first is its head) for one of its lanes.
                if (queue.FamilyOf.Count > 0 && queue.FamilyOf.TryGetValue(key, out var member) && _firstBlocking[member.Family] is var (whole, lanes)
                    && (member.IsWhole ? Math.Min(whole, lanes) : whole) < head.Id)
                {
                    continue;
                }

                Offer(head);
            }

            foreach (var entry in queue.Keyless)
            {
                if (entry.DueAt > now || (best.Count == max && DueOrder.Instance.Compare(best.Max!, entry) < 0))
                {
                    break;
                }

                if (!entry.IsRunning(now))
                {
                    Offer(entry);
                }
            }

            return best.Select(e => e.Id).ToList();
        }
    }

    /// <summary>How many pending items are due at <paramref name="now"/>, and the oldest due time among them.</summary>
    public (int DueNow, DateTime? OldestDueAt) Due(DateTime now)
    {
        lock (_gate)
        {
            var count = 0;
            DateTime? oldest = null;
            foreach (var entry in _byId.Values)
            {
                if (entry.DueAt <= now)
                {
                    count++;
                    if (oldest is null || entry.DueAt < oldest)
                    {
                        oldest = entry.DueAt;
                    }
                }
            }

            return (count, oldest);
        }
    }

    /// <summary>Per topic: how many pending items are due at <paramref name="now"/>, and the oldest due time among them.</summary>
    public Dictionary<string, (int DueNow, DateTime? OldestDueAt)> DueByTopic(DateTime now)
    {
        lock (_gate)
        {
            var topics = new Dictionary<string, (int DueNow, DateTime? OldestDueAt)>(StringComparer.Ordinal);
            foreach (var entry in _byId.Values)
            {
                var (count, oldest) = topics.GetValueOrDefault(entry.Topic);
                if (entry.DueAt <= now)
                {
                    count++;
                    oldest = oldest is null || entry.DueAt < oldest ? entry.DueAt : oldest;
                }

                topics[entry.Topic] = (count, oldest);
            }

            return topics;
        }
    }

    /// <summary>The runnable item of a key, or null when its oldest running, due or key-holding item is not free.</summary>
    private static Entry? Head(SortedDictionary<long, Entry> key, DateTime now)
    {
        foreach (var item in key.Values)
        {
            if (item.IsRunning(now))
            {
                return null;
            }

            if (item.DueAt <= now)
            {
                return item;
            }

            if (item.HoldsKey)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Fills <see cref="_firstBlocking"/>: for each family of lanes (<see cref="OrderingKeys"/>), the first item of its
    /// whole (items queued under the bare family name count as the whole) and of its lanes that is running, due or holds
    /// its key. Each family's keys are visited once per claim, not once per key that waits for them.
    /// </summary>
    private void FindFirstBlocking(TopicQueue queue, DateTime now)
    {
        _firstBlocking.Clear();
        foreach (var (family, keys) in queue.Families)
        {
            var whole = queue.ByKey.TryGetValue(family, out var bare) ? FirstBlocking(bare, now) : long.MaxValue;
            var lanes = long.MaxValue;
            foreach (var key in keys)
            {
                var first = FirstBlocking(queue.ByKey[key], now);
                if (queue.FamilyOf[key].IsWhole)
                {
                    whole = Math.Min(whole, first);
                }
                else
                {
                    lanes = Math.Min(lanes, first);
                }
            }

            _firstBlocking[family] = (whole, lanes);
        }
    }

    /// <summary>The id of the key's first item that the later ones wait for (running, due, or holding the key).</summary>
    private static long FirstBlocking(SortedDictionary<long, Entry> key, DateTime now)
    {
        foreach (var item in key.Values)
        {
            if (item.IsRunning(now) || item.DueAt <= now || item.HoldsKey)
            {
                return item.Id;
            }
        }

        return long.MaxValue;
    }

    private void Add(Entry entry)
    {
        _byId[entry.Id] = entry;
        if (!_topics.TryGetValue(entry.Topic, out var queue))
        {
            _topics[entry.Topic] = queue = new TopicQueue();
        }

        if (entry.Key is null)
        {
            queue.Keyless.Add(entry);
        }
        else
        {
            if (!queue.ByKey.TryGetValue(entry.Key, out var key))
            {
                queue.ByKey[entry.Key] = key = [];
                if (OrderingKeys.Parse(entry.Key) is (var family, var lane))
                {
                    if (!queue.Families.TryGetValue(family, out var keys))
                    {
                        queue.Families[family] = keys = new HashSet<string>(StringComparer.Ordinal);
                    }

                    keys.Add(entry.Key);
                    queue.FamilyOf[entry.Key] = (family, lane == OrderingKeys.WholeLane);
                }
            }

            key[entry.Id] = entry;
        }
    }

    private void Remove(long id)
    {
        if (!_byId.Remove(id, out var entry))
        {
            return;
        }

        var queue = _topics[entry.Topic];
        if (entry.Key is null)
        {
            queue.Keyless.Remove(entry);
        }
        else if (queue.ByKey.TryGetValue(entry.Key, out var key))
        {
            key.Remove(id);
            if (key.Count == 0)
            {
                queue.ByKey.Remove(entry.Key);
                if (queue.FamilyOf.Remove(entry.Key, out var member) && queue.Families.TryGetValue(member.Family, out var keys))
                {
                    keys.Remove(entry.Key);
                    if (keys.Count == 0)
                    {
                        queue.Families.Remove(member.Family);
                    }
                }
            }
        }

        if (queue.Keyless.Count == 0 && queue.ByKey.Count == 0)
        {
            _topics.Remove(entry.Topic);
        }
    }

    private sealed record Entry(long Id, string Topic, string? Key, DateTime DueAt, bool HoldsKey, string? LeaseOwner, DateTime? LeaseUntil)
    {
        public static Entry From(WorkItem item) =>
            new(item.Id, item.Topic, item.Key, item.DueAt, item.HoldsKey, item.LeaseOwner, item.LeaseUntil);

        /// <summary>Leased and the lease has not run out (a lease without an end holds until released).</summary>
        public bool IsRunning(DateTime now) => LeaseOwner is not null && !(LeaseUntil < now);
    }

    private sealed class TopicQueue
    {
        public SortedSet<Entry> Keyless { get; } = new(DueOrder.Instance);
        public Dictionary<string, SortedDictionary<long, Entry>> ByKey { get; } = new(StringComparer.Ordinal);

        /// <summary>Family → its keys that have items (<see cref="OrderingKeys"/>).</summary>
        public Dictionary<string, HashSet<string>> Families { get; } = new(StringComparer.Ordinal);

        /// <summary>Key of a family → the family, and whether the key is its whole.</summary>
        public Dictionary<string, (string Family, bool IsWhole)> FamilyOf { get; } = new(StringComparer.Ordinal);
    }

    private sealed class DueOrder : IComparer<Entry>
    {
        public static readonly DueOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            var byDue = x!.DueAt.CompareTo(y!.DueAt);
            return byDue != 0 ? byDue : x.Id.CompareTo(y.Id);
        }
    }
}
