using System.Collections.Concurrent;
using IncidentBot.Core.Outbox;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>An outbox executor for tests: records what it ran and behaves as the test says (succeed, throw, rate-limit, hang).</summary>
public sealed class RecordingExecutor(string name = "chat") : IOutboxExecutor
{
    public string Name { get; } = name;

    /// <summary>Every call, when it starts (a failed or still running call is here, not in <see cref="Ran"/>).</summary>
    public ConcurrentQueue<IOutboxIntent> Started { get; } = new();

    /// <summary>The calls that succeeded, in the order they finished.</summary>
    public ConcurrentQueue<IOutboxIntent> Ran { get; } = new();

    /// <summary>
    /// Called before recording; throw from it to fail the attempt, or return a task that has not finished to hang.
    /// The wait ends when the run is cancelled (a lost lease, a shutdown), as a real executor's HTTP call does.
    /// </summary>
    public Func<IOutboxIntent, Task>? Behaviour { get; set; }

    public bool Handles(Type intentType) => true;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        Started.Enqueue(intent);
        if (Behaviour is not null)
        {
            await Behaviour(intent).WaitAsync(cancellationToken);
        }

        Ran.Enqueue(intent);
        return "ok";
    }
}
