namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// What one writer transaction knows: its "now", and the in-memory effects to apply only once it committed (a
/// rolled-back transaction must leave the caller's objects and the pending-work index as they were).
/// </summary>
internal sealed class WriteScope(DateTime now)
{
    private readonly List<Action> _afterCommit = [];
    private HashSet<string>? _uniqueKeys;

    public DateTime Now { get; } = now;

    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Whether a work item written earlier in this transaction took <paramref name="uniqueKey"/>.</summary>
    public bool TookUniqueKey(string uniqueKey) => _uniqueKeys?.Contains(uniqueKey) == true;

    /// <summary>Records that this transaction wrote an item holding <paramref name="uniqueKey"/> (forgotten if it rolls back).</summary>
    public void TakeUniqueKey(string uniqueKey) => (_uniqueKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(uniqueKey);

    public void Committed()
    {
        foreach (var action in _afterCommit)
        {
            action();
        }
    }
}
