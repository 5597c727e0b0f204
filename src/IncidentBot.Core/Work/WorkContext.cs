using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Work;

/// <summary>
/// The queue item being run in this scope, if any, and the one place it is completed: the first change the run
/// commits carries the completion (so a crash after that commit can never apply it twice), or, when the run changed
/// nothing, <see cref="CompleteAsync"/> commits the completion alone.
/// </summary>
public sealed class WorkContext(IChangeStore changes)
{
    private WorkItem? _item;
    private string? _owner;

    public WorkItem? Item => _item;

    /// <summary>True once a committed change carried this item's completion.</summary>
    public bool Completed { get; private set; }

    public void Begin(WorkItem item, string owner)
    {
        _item = item;
        _owner = owner;
        Completed = false;
    }

    /// <summary>Adds the completion to a change about to be committed (once per run); call <see cref="Committed"/> after it commits.</summary>
    public void AddTo(StoreChange change, string? result = null)
    {
        if (_item is not null && !Completed && change.Completes is null)
        {
            change.Completes = new WorkCompletion(_item.Id, _owner!, result);
        }
    }

    /// <summary>The change that carried the completion has committed.</summary>
    public void Committed(StoreChange change)
    {
        if (_item is not null && change.Completes?.Id == _item.Id)
        {
            Completed = true;
        }
    }

    /// <summary>Completes the item unless a change already did.</summary>
    public async Task CompleteAsync(string? result, CancellationToken cancellationToken)
    {
        if (_item is null || Completed)
        {
            return;
        }

        var change = new StoreChange();
        AddTo(change, result);
        await changes.CommitAsync(change, cancellationToken);
        Committed(change);
    }
}
