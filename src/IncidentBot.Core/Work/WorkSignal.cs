namespace IncidentBot.Core.Work;

/// <summary>
/// Wakes the work loops when something was queued or finished, so they run at once instead of at the next poll.
/// One signal for every topic: waking a loop with nothing to do costs one claim query.
/// </summary>
public sealed class WorkSignal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SemaphoreSlim> _waiters = new(StringComparer.Ordinal);

    public void Raise()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Values)
            {
                if (waiter.CurrentCount == 0)
                {
                    waiter.Release();
                }
            }
        }
    }

    /// <summary>Waits until raised or <paramref name="timeout"/> passes; a raise since the last wait returns at once.</summary>
    public Task<bool> WaitAsync(string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SemaphoreSlim waiter;
        lock (_gate)
        {
            if (!_waiters.TryGetValue(topic, out waiter!))
            {
                waiter = new SemaphoreSlim(0, 1);
                _waiters[topic] = waiter;
            }
        }

        return waiter.WaitAsync(timeout, cancellationToken);
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
