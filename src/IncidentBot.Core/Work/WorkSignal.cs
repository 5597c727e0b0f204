namespace IncidentBot.Core.Work;

/// <summary>
/// Wakes a topic's work loop when something was queued in it or one of its runs finished, so it claims at once instead
/// of at the next poll. Per topic: a claim is a write on the embedded store, so waking loops with nothing to do
/// would queue needless writes behind the deliveries being acknowledged.
/// </summary>
/// <remarks>
/// Work queued for a key that has a run in progress here cannot be claimed until that run ends, and its end wakes the
/// loop anyway, so such a raise is dropped: a burst of deliveries into one busy channel used to wake a claim per
/// delivery, each finding nothing, and those claims took the time the channel's own run needed.
/// </remarks>
public sealed class WorkSignal(TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SemaphoreSlim> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, string Key), int> _running = [];

    /// <summary>Wakes the topic's loop for work of <paramref name="key"/>, unless a run of that key is in progress here.</summary>
    public void Raise(string topic, string? key)
    {
        if (key is not null && IsRunning(topic, key))
        {
            return;
        }

        Raise(topic);
    }

    public void Raise(string topic)
    {
        var waiter = WaiterOf(topic);
        lock (_gate)
        {
            if (waiter.CurrentCount == 0)
            {
                waiter.Release();
            }
        }
    }

    /// <summary>
    /// Waits until raised or <paramref name="timeout"/> passes on the clock (work falls due by the clock, so the poll
    /// that finds it keeps the clock's time too); a raise since the last wait returns at once.
    /// </summary>
    public async Task<bool> WaitAsync(string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timedOut = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        var raised = WaiterOf(topic).WaitAsync(either.Token);
        await raised.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (raised.IsCompletedSuccessfully)
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    /// <summary>True while a run of <paramref name="key"/> in <paramref name="topic"/> is in progress in this process.</summary>
    public bool IsRunning(string topic, string key)
    {
        lock (_gate)
        {
            return _running.ContainsKey((topic, key));
        }
    }

    /// <summary>A run of the item's key starts here; until <see cref="RunFinished"/>, raises for that key are dropped.</summary>
    public void RunStarted(string topic, string? key)
    {
        if (key is null)
        {
            return;
        }

        lock (_gate)
        {
            _running[(topic, key)] = _running.GetValueOrDefault((topic, key)) + 1;
        }
    }

    /// <summary>
    /// A run ended: its slot is free and its key may have a next item, so the loop wakes. The key is released before
    /// the raise, so work queued for it from now on raises for itself.
    /// </summary>
    public void RunFinished(string topic, string? key)
    {
        if (key is not null)
        {
            lock (_gate)
            {
                var left = _running.GetValueOrDefault((topic, key)) - 1;
                if (left > 0)
                {
                    _running[(topic, key)] = left;
                }
                else
                {
                    _running.Remove((topic, key));
                }
            }
        }

        Raise(topic);
    }

    private SemaphoreSlim WaiterOf(string topic)
    {
        lock (_gate)
        {
            if (!_waiters.TryGetValue(topic, out var waiter))
            {
                waiter = new SemaphoreSlim(0, 1);
                _waiters[topic] = waiter;
            }

            return waiter;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Values)
            {
                waiter.Dispose();
            }

            _waiters.Clear();
        }
    }
}
