using IncidentBot.Core.Storage;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The in-process change feed: each watch gets what was published after it began, and a full one says it fell behind.</summary>
public class IncidentChangeBroadcastTests
{
    [Fact]
    public async Task AWatchThatFallsBehind_GetsWhatFitted_ThenAnyIncident_AndOtherWatchesAreUnaffected()
    {
        var broadcast = new IncidentChangeBroadcast();
        broadcast.Publish([1]);
        using var slow = broadcast.Watch();
        using var quick = broadcast.Watch();
        await using var quickChanges = quick.ChangesAsync(CancellationToken.None).GetAsyncEnumerator();

        // The quick watch reads between two bursts; the slow one reads nothing until both are in, and its buffer holds 256.
        broadcast.Publish(Enumerable.Range(2, 200).Select(i => (long)i));
        for (var i = 2; i <= 201; i++)
        {
            Assert.True(await quickChanges.MoveNextAsync());
            Assert.Equal(i, quickChanges.Current);
        }

        broadcast.Publish(Enumerable.Range(202, 100).Select(i => (long)i));
        for (var i = 202; i <= 301; i++)
        {
            Assert.True(await quickChanges.MoveNextAsync());
            Assert.Equal(i, quickChanges.Current);
        }

        var pending = quickChanges.MoveNextAsync();
        Assert.False(pending.IsCompleted, "the quick watch was told it fell behind, or got more than was published");
        quick.Dispose();
        Assert.False(await pending);

        using var stop = new CancellationTokenSource();
        var seen = new List<long>();
        await foreach (var id in slow.ChangesAsync(stop.Token))
        {
            seen.Add(id);
            if (id == IncidentChangeBroadcast.AnyIncident)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(2, 256).Select(i => (long)i).Append(IncidentChangeBroadcast.AnyIncident), seen);
    }

    [Fact]
    public async Task ADisposedWatch_GetsNoMore_AndEnds()
    {
        var broadcast = new IncidentChangeBroadcast();
        var watch = broadcast.Watch();
        broadcast.Publish([7, 7, 8]);
        watch.Dispose();
        broadcast.Publish([9]);

        var seen = new List<long>();
        await foreach (var id in watch.ChangesAsync(CancellationToken.None))
        {
            seen.Add(id);
        }

        Assert.Equal(new long[] { 7, 8 }, seen);
    }
}
