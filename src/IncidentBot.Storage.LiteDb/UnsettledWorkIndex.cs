using IncidentBot.Core.Storage;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The work items not yet settled, in memory: the pending ones (topic → keyless items in due order, and topic → key → id
/// order, with the keys of each family of lanes), so a claim visits each key's head and not the whole collection; and
/// the parked ones (id → topic), which health and the backlog count and the parked-work page lists. One process owns
/// the file, so the index is exact: it is loaded at open and every committed write of a work item is applied to it (by
/// the writer, after the commit). The file itself keeps no index of statuses (see <see cref="LiteDbSchema"/>).
/// </summary>
internal sealed class UnsettledWorkIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _byId = [];
    private readonly Dictionary<string, TopicQueue> _topics = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, string> _parked = [];

    /// <summary>Per family, during a claim: the first item its lanes wait for (of its whole) and the first its whole waits for (of its lanes).</summary>
    private readonly Dictionary<string, (long Whole, long Lanes)> _firstBlocking = new(StringComparer.Ordinal);

    /// <summary>Starts over from <paramref name="items"/>, the file's unsettled items (others are ignored).</summary>
    public void Load(IEnumerable<WorkItem> items)
    {
        lock (_gate)
        {
            _byId.Clear();
            _topics.Clear();
            _parked.Clear();
            foreach (var item in items)
            {
                Record(item);
            }
        }
    }

    /// <summary>Records an item's committed state: pending and parked items are (re)indexed, settled ones dropped.</summary>
    public void Apply(WorkItem item)
    {
        lock (_gate)
        {
            Remove(item.Id);
            _parked.Remove(item.Id);
            Record(item);
        }
    }

    private void Record(WorkItem item)
    {
        if (item.Status == WorkStatus.Pending)
        {
            Add(Entry.From(item));
        }
        else if (item.Status == WorkStatus.Parked)
        {
            _parked[item.Id] = item.Topic;
        }
    }

    /// <summary>The parked items' ids in the order they were accepted, of <paramref name="topic"/> or of every topic.</summary>
    public IReadOnlyList<long> Parked(string? topic, int take)
    {
        lock (_gate)
        {
            return _parked.Where(p => topic is null || p.Value == topic).Take(take).Select(p => p.Key).ToList();
        }
    }

    /// <summary>How many items are parked, per topic.</summary>
    public Dictionary<string, int> ParkedByTopic()
    {
        lock (_gate)
        {
            return _parked.Values.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
    }

    public int ParkedCount()
    {
        lock (_gate)
        {
            return _parked.Count;
        }
    }

    /// <summary>
    /// The items a claim at <paramref name="now"/> may take, following <see cref="WorkItem"/>'s rules: the head of each
    /// key (its oldest item that is running, due, or holds the key: runnable only when due and not running), and the
    /// keyless items due and not running, the <paramref name="max"/> first in due order.
    /// </summary>
    /// <remarks>
    /// Never visits every key: a key's first item is its head whenever that item is due, so the keys are read in the
    /// order their first item falls due and only up to the cut (plus the running ones met on the way). Only a key whose
    /// first item steps aside (due later, not holding the key) with more queued behind it needs its items read. Reactions
    /// into a busy incident queue on thousands of keys (one per message), and visiting each on every claim made the
    /// claims most of the writer's work.
    /// </remarks>
    public IReadOnlyList<long> SelectRunnable(string topic, DateTime now, int max)
    {
        lock (_gate)
        {
            if (max <= 0 || !_topics.TryGetValue(topic, out var queue))
            {
                return [];
            }

            var best = new SortedSet<Entry>(DueOrder.Instance);
            bool Full(Entry next) => best.Count == max && DueOrder.Instance.Compare(best.Max!, next) < 0;
            void Offer(Entry entry)
            {
                best.Add(entry);
                if (best.Count > max)
                {
                    best.Remove(best.Max!);
                }
            }

            _firstBlocking.Clear();
            foreach (var front in queue.Fronts)
            {
                if (front.DueAt > now || Full(front))
                {
                    break;
                }

                if (!front.IsRunning(now) && !WaitsForItsFamily(queue, front, now))
                {
                    Offer(front);
                }
            }

            // A first item due later that does not hold its key lets the next ones of its key run meanwhile.
            if (queue.SteppingAside.Count > 0)
            {
                foreach (var front in queue.SteppingAside.GetViewBetween(Entry.After(now), Entry.Last))
                {
                    if (Head(queue.ByKey[front.Key!], now) is { } head && !Full(head) && !WaitsForItsFamily(queue, head, now))
                    {
                        Offer(head);
                    }
                }
            }

            foreach (var entry in queue.Keyless)
            {
                if (entry.DueAt > now || Full(entry))
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
    /// Whether a key's head waits for its family (<see cref="OrderingKeys"/>): a lane for an earlier item of its whole,
    /// the whole for one of its lanes. A family's keys are read once per claim (<see cref="_firstBlocking"/>), and only
    /// for families a candidate belongs to.
    /// </summary>
    private bool WaitsForItsFamily(TopicQueue queue, Entry head, DateTime now)
    {
        if (queue.FamilyOf.Count == 0 || !queue.FamilyOf.TryGetValue(head.Key!, out var member))
        {
            return false;
        }

        if (!_firstBlocking.TryGetValue(member.Family, out var first))
        {
            var whole = queue.ByKey.TryGetValue(member.Family, out var bare) ? FirstBlocking(bare, now) : long.MaxValue;
            var lanes = long.MaxValue;
            foreach (var key in queue.Families[member.Family])
            {
                var blocking = FirstBlocking(queue.ByKey[key], now);
                if (queue.FamilyOf[key].IsWhole)
                {
                    whole = Math.Min(whole, blocking);
                }
                else
                {
                    lanes = Math.Min(lanes, blocking);
                }
            }

            _firstBlocking[member.Family] = first = (whole, lanes);
        }

        return (member.IsWhole ? Math.Min(first.Whole, first.Lanes) : first.Whole) < head.Id;
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

            var front = key.Count > 0 ? key.Values.First() : null;
            key[entry.Id] = entry;
            queue.Refront(key, front);
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
            var front = key.Values.First();
            key.Remove(id);
            queue.Refront(key, front);
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

        /// <summary>Sorts before every entry due after <paramref name="now"/>.</summary>
        public static Entry After(DateTime now) => new(long.MinValue, string.Empty, null, now.AddTicks(1), false, null, null);

        /// <summary>Sorts after every entry.</summary>
        public static Entry Last { get; } = new(long.MaxValue, string.Empty, null, DateTime.MaxValue, false, null, null);

        /// <summary>Leased and the lease has not run out (a lease without an end holds until released).</summary>
        public bool IsRunning(DateTime now) => LeaseOwner is not null && !(LeaseUntil < now);
    }

    private sealed class TopicQueue
    {
        public SortedSet<Entry> Keyless { get; } = new(DueOrder.Instance);
        public Dictionary<string, SortedDictionary<long, Entry>> ByKey { get; } = new(StringComparer.Ordinal);

        /// <summary>Each key's first item, in due order.</summary>
        public SortedSet<Entry> Fronts { get; } = new(DueOrder.Instance);

        /// <summary>
        /// The first items that do not hold their key and have more queued behind them, in due order: while such an item
        /// is due later, the next ones of its key may run.
        /// </summary>
        public SortedSet<Entry> SteppingAside { get; } = new(DueOrder.Instance);

        /// <summary>Keeps <see cref="Fronts"/> and <see cref="SteppingAside"/> after a key's items changed; <paramref name="before"/> was its first.</summary>
        public void Refront(SortedDictionary<long, Entry> items, Entry? before)
        {
            var now = items.Count > 0 ? items.Values.First() : null;
            if (before is not null)
            {
                Fronts.Remove(before);
                SteppingAside.Remove(before);
            }

            if (now is not null)
            {
                Fronts.Add(now);
                if (now is { HoldsKey: false } && items.Count > 1)
                {
                    SteppingAside.Add(now);
                }
            }
        }

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
