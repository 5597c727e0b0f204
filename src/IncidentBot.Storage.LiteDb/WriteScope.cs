namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// What one writer transaction knows: its "now", and the in-memory effects to apply only once it committed (a
/// rolled-back transaction must leave the caller's objects and the pending-work index as they were).
/// </summary>
internal sealed class WriteScope(DateTime now)
{
    private readonly List<Action> _afterCommit = [];

    public DateTime Now { get; } = now;

    public void AfterCommit(Action action) => _afterCommit.Add(action);

    public void Committed()
    {
        foreach (var action in _afterCommit)
        {
            action();
        }
    }
}
