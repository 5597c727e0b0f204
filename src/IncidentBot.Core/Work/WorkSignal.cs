namespace IncidentBot.Core.Work;

/// <summary>
/// Wakes a topic's work loop when something was queued in it or one of its runs finished, so it claims at once instead
/// of at the next poll. Per topic: a claim is a write on the embedded store, so waking loops with nothing to do
/// would queue needless writes behind the deliveries being acknowledged.
/// </summary>
public sealed class WorkSignal(TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SemaphoreSlim> _waiters = new(StringComparer.Ordinal);

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
