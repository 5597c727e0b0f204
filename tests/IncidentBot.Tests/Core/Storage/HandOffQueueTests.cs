using IncidentBot.Storage.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>How the LiteDB writer's threads are handed their work: in order, in batches, and told when there is no more.</summary>
public sealed class HandOffQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Items_ComeOutInTheOrderAdded_AtMostTheBatchSizeAtATime()
    {
        var queue = new HandOffQueue<int>();
        foreach (var i in Enumerable.Range(1, 5))
        {
            Assert.True(queue.TryAdd(i));
        }

        var first = new List<int>();
        var second = new List<int>();
        Assert.True(queue.TakeBatch(first, max: 3));
        Assert.True(queue.TakeBatch(second, max: 3));

        Assert.Equal([1, 2, 3], first);
        Assert.Equal([4, 5], second);
    }

    [Fact]
    public async Task ATakerWaitingOnAnEmptyQueue_GetsTheNextItemAdded()
    {
        var queue = new HandOffQueue<string>();
        var batch = new List<string>();
        var taker = Waiting(() => queue.TakeBatch(batch, max: 10));

        queue.TryAdd("declare");

        Assert.True(await taker.WaitAsync(Patience));
        Assert.Equal(["declare"], batch);
    }

    [Fact]
    public async Task Completing_RefusesNewItems_AfterTheTakerHasHadThoseAlreadyAdded()
    {
        var queue = new HandOffQueue<int>();
        queue.TryAdd(1);
        queue.TryAdd(2);
        queue.Complete();

        Assert.False(queue.TryAdd(3));
        var batch = new List<int>();
        Assert.True(queue.TakeBatch(batch, max: 10));
        Assert.Equal([1, 2], batch);
        Assert.False(await Task.Factory.StartNew(() => queue.TakeBatch(batch, max: 10), TaskCreationOptions.LongRunning).WaitAsync(Patience));
    }

    [Fact]
    public async Task Completing_WakesATakerWaitingOnAnEmptyQueue()
    {
        var queue = new HandOffQueue<int>();
        var batch = new List<int>();
        var taker = Waiting(() => queue.TakeBatch(batch, max: 10));

        queue.Complete();

        Assert.False(await taker.WaitAsync(Patience));
        Assert.Empty(batch);
    }

    /// <summary>Runs <paramref name="take"/> on a thread of its own and returns once that thread is asleep in it.</summary>
    private static Task<bool> Waiting(Func<bool> take)
    {
        var result = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => result.SetResult(take())) { IsBackground = true };
        thread.Start();
        SpinWait.SpinUntil(() => (thread.ThreadState & ThreadState.WaitSleepJoin) != 0 || result.Task.IsCompleted, Patience);

        Assert.False(result.Task.IsCompleted, "the taker returned before anything was added");
        Assert.True((thread.ThreadState & ThreadState.WaitSleepJoin) != 0, "the taker never went to sleep");
        return result.Task;
    }

    [Fact]
    public async Task AWriteAskedOfAClosedStore_FailsAsClosed_AfterTheWritesBeforeItWereStored()
    {
        var folder = Directory.CreateTempSubdirectory("incidentbot-handoff-").FullName;
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
            using var database = LiteDbDatabase.Open(Path.Combine(folder, "bot.litedb"), clock);
            var writer = new LiteDbWriter(database.Db, () => { }, clock, NullLogger.Instance);
            var before = writer.RunAsync(_ => 42, CancellationToken.None);

            writer.Dispose();

            Assert.Equal(42, await before.WaitAsync(Patience));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.RunAsync(_ => 0, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
