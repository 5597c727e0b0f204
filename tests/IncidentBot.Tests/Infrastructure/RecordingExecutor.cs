using System.Collections.Concurrent;
using IncidentBot.Core.Outbox;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>An outbox executor for tests: records what it ran and behaves as the test says (succeed, throw, rate-limit).</summary>
public sealed class RecordingExecutor(string name = "chat") : IOutboxExecutor
{
    public string Name { get; } = name;

    public ConcurrentQueue<IOutboxIntent> Ran { get; } = new();

    /// <summary>Called before recording; throw from it to fail the attempt.</summary>
    public Func<IOutboxIntent, Task>? Behaviour { get; set; }

    public bool Handles(Type intentType) => true;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, CancellationToken cancellationToken)
    {
        if (Behaviour is not null)
        {
            await Behaviour(intent);
        }

        Ran.Enqueue(intent);
        return "ok";
    }
}
