namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// What one writer transaction knows: its "now", and the in-memory effects to apply only once it committed (a
/// rolled-back transaction must leave the caller's objects and the unsettled-work index as they were).
/// </summary>
internal sealed class WriteScope(DateTime now)
{
    private readonly List<Action> _afterCommit = [];
    private Dictionary<string, long>? _uniqueKeys;

    public DateTime Now { get; } = now;

    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>The work item written earlier in this transaction that took <paramref name="uniqueKey"/>, if any.</summary>
    public long? HolderOf(string uniqueKey) => _uniqueKeys is not null && _uniqueKeys.TryGetValue(uniqueKey, out var id) ? id : null;

    /// <summary>Records that this transaction wrote item <paramref name="id"/> holding <paramref name="uniqueKey"/> (forgotten if it rolls back).</summary>
    public void TakeUniqueKey(string uniqueKey, long id) => (_uniqueKeys ??= new Dictionary<string, long>(StringComparer.Ordinal))[uniqueKey] = id;

    public void Committed()
    {
        foreach (var action in _afterCommit)
        {
            action();
        }
    }
}
