using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace IncidentBot.Core.Storage;

/// <summary>
/// Incidents whose stored state changed, told as the changes commit: in this process and, on a shared store, in
/// every replica. Pages that keep up without reloading watch it; nothing else depends on it, so a missed
/// notification costs freshness, never data.
/// </summary>
public interface IIncidentChangeFeed
{
    /// <summary>Starts watching now: changes committed from here on are seen by the returned watch.</summary>
    IncidentChangeWatch Watch();
}

/// <summary>
/// The in-process side of the feed. Storage adapters publish to it (after their own commit, or as their database
/// tells them of another replica's); each watch has a small buffer of its own, so a slow reader never holds a writer.
/// </summary>
public sealed class IncidentChangeBroadcast : IIncidentChangeFeed
{
    /// <summary>Any incident may have changed: a watch fell behind, or the store's notifications were interrupted.</summary>
    public const long AnyIncident = 0;

    private readonly Lock _gate = new();
    private readonly List<IncidentChangeWatch> _watches = [];

    public IncidentChangeWatch Watch()
    {
        var watch = new IncidentChangeWatch(this);
        lock (_gate)
        {
            _watches.Add(watch);
        }

        return watch;
    }

    public void Publish(IEnumerable<long> incidentIds)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        var ids = incidentIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        IncidentChangeWatch[] watches;
        lock (_gate)
        {
            watches = [.. _watches];
        }

        foreach (var watch in watches)
        {
            foreach (var id in ids)
            {
                watch.Offer(id);
            }
        }
    }

    /// <summary>The incidents a committed change touched: declared, rewritten, or given timeline entries.</summary>
    public static IEnumerable<long> IncidentsOf(StoreChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new[] { change.Declared?.Id }.OfType<long>()
            .Concat(change.Incidents.Select(w => w.Incident.Id))
            .Concat(change.NewEntries.Select(e => e.IncidentId))
            .Concat(change.ChangedEntries.Select(e => e.IncidentId))
            .Distinct();
    }

    internal void Remove(IncidentChangeWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }
}

/// <summary>One watcher's view of <see cref="IIncidentChangeFeed"/>; dispose it to stop watching.</summary>
public sealed class IncidentChangeWatch : IDisposable
{
    private const int Buffer = 256;

    private readonly IncidentChangeBroadcast _owner;
    private readonly Channel<long> _changes = Channel.CreateBounded<long>(new BoundedChannelOptions(Buffer)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private int _overflowed;

    internal IncidentChangeWatch(IncidentChangeBroadcast owner) => _owner = owner;

    /// <summary>Incident ids as they change (<see cref="IncidentChangeBroadcast.AnyIncident"/> after a gap), until cancelled.</summary>
    public async IAsyncEnumerable<long> ChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _changes.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var id))
            {
                yield return id;
            }

            if (Interlocked.Exchange(ref _overflowed, 0) == 1)
            {
                yield return IncidentChangeBroadcast.AnyIncident;
            }
        }
    }

    internal void Offer(long incidentId)
    {
        if (!_changes.Writer.TryWrite(incidentId))
        {
            Interlocked.Exchange(ref _overflowed, 1);
        }
    }

    public void Dispose()
    {
        _owner.Remove(this);
        _changes.Writer.TryComplete();
    }
}
