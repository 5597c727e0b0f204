using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Core.WorkRuntime;

/// <summary>
/// When a topic's loop is woken. A wait that a raise already released completes at once (synchronously), so each case
/// asserts whether the next wait is complete, never how long it took.
/// </summary>
public sealed class WorkSignalTests : IDisposable
{
    private const string Topic = "inbox.slack";

    private readonly WorkSignal _signal = new(TestTime.NewClock());

    private async Task<bool> WokenAsync()
    {
        using var stop = new CancellationTokenSource();
        var wait = _signal.WaitAsync(Topic, TimeSpan.FromHours(1), stop.Token);
        if (wait.IsCompleted)
        {
            return await wait;
        }

        // Gone before the next raise: a wait left behind would take that raise for itself.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        return false;
    }

    [Fact]
    public async Task WorkForAKeyWithARunInProgressHere_DoesNotWakeTheLoop_TheRunsEndDoes()
    {
        _signal.RunStarted(Topic, "C0INCIDENT");

        // A burst of deliveries into the busy channel: none of them can be claimed before the run ends.
        for (var i = 0; i < 50; i++)
        {
            _signal.Raise(Topic, "C0INCIDENT");
        }

        Assert.False(await WokenAsync());
        Assert.True(_signal.IsRunning(Topic, "C0INCIDENT"));

        _signal.RunFinished(Topic, "C0INCIDENT");

        Assert.True(await WokenAsync());
        Assert.False(_signal.IsRunning(Topic, "C0INCIDENT"));
        _signal.Raise(Topic, "C0INCIDENT");
        Assert.True(await WokenAsync());
    }

    [Fact]
    public async Task WorkForAnotherKey_OrWithoutAKey_OrInAnotherTopic_StillWakesItsLoop()
    {
        _signal.RunStarted(Topic, "C0INCIDENT");

        _signal.Raise(Topic, "C0OTHER");
        Assert.True(await WokenAsync());
        _signal.Raise(Topic, null);
        Assert.True(await WokenAsync());
        _signal.Raise(Topic);
        Assert.True(await WokenAsync());

        _signal.RunStarted("outbox.slack", "incident:1");
        _signal.Raise(Topic, "incident:1");
        Assert.True(await WokenAsync());
    }

    [Fact]
    public async Task AKeyRunTwiceHere_StaysBusyUntilBothRunsEnd()
    {
        // A run whose lease was lost can still be unwinding when its item is claimed again.
        _signal.RunStarted(Topic, "C0INCIDENT");
        _signal.RunStarted(Topic, "C0INCIDENT");
        _signal.RunFinished(Topic, "C0INCIDENT");
        Assert.True(await WokenAsync()); // the end of a run always wakes: its slot is free

        _signal.Raise(Topic, "C0INCIDENT");
        Assert.False(await WokenAsync());

        _signal.RunFinished(Topic, "C0INCIDENT");
        Assert.True(await WokenAsync());
        _signal.Raise(Topic, "C0INCIDENT");
        Assert.True(await WokenAsync());
    }

    public void Dispose() => _signal.Dispose();
}
