namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Hands items to one dedicated thread, which sleeps while there are none. Unlike <c>BlockingCollection</c> it does not
/// spin before it sleeps: under load the writer and the log flusher wait for work thousands of times a second, and
/// that spinning took 15 % of the bot's CPU from the requests it was waiting for (two cores, profiled at the ack peak).
/// </summary>
internal sealed class HandOffQueue<T>
{
    private readonly Queue<T> _items = new();
    private bool _completed;

    /// <summary>False once <see cref="Complete"/> was called: nothing is taken any more.</summary>
    public bool TryAdd(T item)
    {
        lock (_items)
        {
            if (_completed)
            {
                return false;
            }

            _items.Enqueue(item);
            if (_items.Count == 1)
            {
                // Its one taker waits only on an empty queue.
                Monitor.Pulse(_items);
            }
        }

        return true;
    }

    /// <summary>
    /// Waits for an item, then moves it and those behind it, at most <paramref name="max"/> in all, into
    /// <paramref name="batch"/>, in order. False when the queue is completed and empty.
    /// </summary>
    public bool TakeBatch(List<T> batch, int max)
    {
        lock (_items)
        {
            while (_items.Count == 0)
            {
                if (_completed)
                {
                    return false;
                }

                Monitor.Wait(_items);
            }

            while (batch.Count < max && _items.TryDequeue(out var item))
            {
                batch.Add(item);
            }
        }

        return true;
    }

    /// <summary>Refuses further items; the taker still gets those already added.</summary>
    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }
}
