using System.Collections.Concurrent;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace IncidentBot.Tests.Core.WorkRuntime;

/// <summary>
/// The dispatcher against mocked ports (the queue, the change store, the runner): what it tells the store when a run
/// succeeds, fails, is rate limited, loses its lease or is stopped. The same rules on real stores are in
/// <see cref="WorkDispatcherTests"/>; here each call to the store is pinned exactly.
/// </summary>
public sealed class WorkDispatcherUnitTests : IAsyncDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly WorkTopic Topic = new("outbox.test", MaxAttempts: 3, FirstBackoff: TimeSpan.FromSeconds(2));

    private readonly FakeTimeProvider _clock = TestTime.NewClock();
    private readonly Mock<IWorkQueueStore> _queue = new();
    private readonly Mock<IChangeStore> _changes = new();
    private readonly Mock<IWorkRunner> _runner = new();
    private readonly ConcurrentQueue<WorkItem> _claimable = new();
    private readonly ServiceProvider _services;
    private readonly WorkSignal _signal;
    private readonly WorkDispatcher _dispatcher;

    public WorkDispatcherUnitTests()
    {
        _runner.Setup(r => r.Topic).Returns(Topic);
        _queue.Setup(q => q.ClaimAsync(Topic.Name, WorkDispatcher.Owner, It.IsAny<DateTime>(), Lease, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => _claimable.TryDequeue(out var item) ? [item] : []);
        _queue.Setup(q => q.RetryAsync(It.IsAny<WorkRetry>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _queue.Setup(q => q.RenewAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

        _services = new ServiceCollection()
            .AddSingleton(_changes.Object)
            .AddScoped<WorkContext>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _signal = new WorkSignal(_clock);
        _dispatcher = new WorkDispatcher(
            _services.GetRequiredService<IServiceScopeFactory>(), _queue.Object, [_runner.Object], [], [],
            _signal, _clock,
            Microsoft.Extensions.Options.Options.Create(new OutboxOptions { LeaseDuration = Lease }),
            Microsoft.Extensions.Options.Options.Create(new StorageOptions()),
            new WorkMetrics(),
            NullLogger<WorkDispatcher>.Instance);
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    /// <summary>An item as a claim hands it over: leased to this process, its attempt counted.</summary>
    private WorkItem Claimable(int attempts = 1)
    {
        var item = new WorkItem
        {
            Id = 41, Topic = Topic.Name, Key = "incident:1", Kind = "incident.card.refresh", Payload = "{}",
            Status = WorkStatus.Pending, CreatedAt = Now, DueAt = Now, Attempts = attempts,
            LeaseOwner = WorkDispatcher.Owner, LeaseUntil = Now + Lease,
        };
        _claimable.Enqueue(item);
        return item;
    }

    /// <summary>The runner's call hangs until cancelled; the returned tasks tell when it started and when it saw the cancellation.</summary>
    private (Task Started, Task Cancelled) HangingRun()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _runner.Setup(r => r.RunAsync(It.IsAny<WorkItem>(), It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>()))
            .Returns(async (WorkItem _, IServiceProvider _, CancellationToken ct) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }

                return null;
            });
        return (started.Task, cancelled.Task);
    }

    private void RunThrows(Exception error) =>
        _runner.Setup(r => r.RunAsync(It.IsAny<WorkItem>(), It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private void VerifyNeverCompleted() => _changes.Verify(c => c.CommitAsync(It.IsAny<StoreChange>(), It.IsAny<CancellationToken>()), Times.Never);

    private void VerifyNeverGivenBack() => _queue.Verify(q => q.RetryAsync(It.IsAny<WorkRetry>(), It.IsAny<CancellationToken>()), Times.Never);

    [Fact]
    public async Task Success_CompletesTheItemWithItsResult_AndGivesNothingBack()
    {
        var item = Claimable();
        _runner.Setup(r => r.RunAsync(item, It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>())).ReturnsAsync("posted");

        Assert.Equal(1, await _dispatcher.DrainAsync(None));

        _changes.Verify(c => c.CommitAsync(It.Is<StoreChange>(ch => ch.Completes == new WorkCompletion(item.Id, WorkDispatcher.Owner, "posted") && ch.Enqueued.Count == 0 && ch.Incidents.Count == 0), It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverGivenBack();
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    public async Task Failure_WithBudgetLeft_IsGivenBackDueAfterItsBackoff(int attempts, int backoffSeconds)
    {
        var item = Claimable(attempts);
        RunThrows(new InvalidOperationException("channel_not_found"));

        await _dispatcher.DrainAsync(None);

        var expected = new WorkRetry(item.Id, WorkDispatcher.Owner, Now + TimeSpan.FromSeconds(backoffSeconds), "channel_not_found");
        _queue.Verify(q => q.RetryAsync(expected, It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverCompleted();
    }

    [Fact]
    public async Task Failure_OfTheLastAttempt_ParksTheItem()
    {
        var item = Claimable(attempts: Topic.MaxAttempts);
        RunThrows(new InvalidOperationException("channel_not_found"));

        await _dispatcher.DrainAsync(None);

        var expected = new WorkRetry(item.Id, WorkDispatcher.Owner, Now, "channel_not_found", Park: true);
        _queue.Verify(q => q.RetryAsync(expected, It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverCompleted();
    }

    /// <summary>A 429 storm delays work, it never spends the budget: even on the last attempt the item is not parked.</summary>
    [Fact]
    public async Task RateLimit_HoldsTheKeyUntilRetryAfter_WithoutCountingTheAttempt_EvenOnTheLastAttempt()
    {
        var item = Claimable(attempts: Topic.MaxAttempts);
        RunThrows(new OutboxRetryException("ratelimited", TimeSpan.FromSeconds(30)));

        await _dispatcher.DrainAsync(None);

        var expected = new WorkRetry(item.Id, WorkDispatcher.Owner, Now + TimeSpan.FromSeconds(30), "ratelimited", HoldsKey: true, CountsAsAttempt: false);
        _queue.Verify(q => q.RetryAsync(expected, It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverCompleted();
    }

    /// <summary>Another runner owns the item now: giving it back or retrying it would run its effect twice.</summary>
    [Fact]
    public async Task CompletionRefusedForALostLease_IsNeitherRetriedNorGivenBack()
    {
        Claimable();
        _runner.Setup(r => r.RunAsync(It.IsAny<WorkItem>(), It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>())).ReturnsAsync("posted");
        _changes.Setup(c => c.CommitAsync(It.IsAny<StoreChange>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreConflictException(StoreConflictKind.LeaseLost, "lease lost"));

        Assert.Equal(1, await _dispatcher.DrainAsync(None));

        VerifyNeverGivenBack();
    }

    /// <summary>The run's change committed with the item's completion, then a later step failed: the effect is applied, so it must not run again.</summary>
    [Fact]
    public async Task FailureAfterTheRunsChangeCommitted_IsNotRunAgain()
    {
        var item = Claimable();
        _runner.Setup(r => r.RunAsync(It.IsAny<WorkItem>(), It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>()))
            .Returns(async (WorkItem _, IServiceProvider scope, CancellationToken ct) =>
            {
                var work = scope.GetRequiredService<WorkContext>();
                var change = new StoreChange();
                work.AddTo(change, "channel created");
                await scope.GetRequiredService<IChangeStore>().CommitAsync(change, ct);
                work.Committed(change);
                throw new HttpRequestException("the reply to the user failed");
            });

        Assert.Equal(1, await _dispatcher.DrainAsync(None));

        _changes.Verify(c => c.CommitAsync(It.Is<StoreChange>(ch => ch.Completes!.Id == item.Id), It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverGivenBack();
    }

    [Fact]
    public async Task RunningItem_HasItsLeaseRenewedEveryThirdOfTheLease_ToAWholeLeaseFromThen()
    {
        var item = Claimable();
        var renewals = new ConcurrentQueue<(DateTime At, long[] Ids, DateTime Until)>();
        _queue.Setup(q => q.RenewAsync(WorkDispatcher.Owner, It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Callback((string _, IReadOnlyCollection<long> ids, DateTime until, CancellationToken _) => renewals.Enqueue((Now, ids.ToArray(), until)))
            .ReturnsAsync([]);
        var (started, _) = HangingRun();
        var start = Now;

        await _dispatcher.StartAsync(None);
        await started.WaitAsync(Bound);
        for (var i = 1; i <= 3; i++)
        {
            _clock.Advance(Lease / 3);
            await TestTime.UntilAsync(() => renewals.Count == i, $"renewal {i}");
        }

        await _dispatcher.StopAsync(None);

        var every = Lease / 3;
        Assert.Equal(
            Enumerable.Range(1, 3).Select(k => (start + (k * every), item.Id, start + (k * every) + Lease)),
            renewals.Select(r => (r.At, Assert.Single(r.Ids), r.Until)));
    }

    [Fact]
    public async Task LostLease_CancelsTheRun_AndTheItemIsNeitherCompletedNorGivenBack()
    {
        var item = Claimable();
        _queue.Setup(q => q.RenewAsync(WorkDispatcher.Owner, It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([item.Id]);
        var (started, cancelled) = HangingRun();

        await _dispatcher.StartAsync(None);
        await started.WaitAsync(Bound);
        _clock.Advance(Lease / 3);
        await cancelled.WaitAsync(Bound);
        await _dispatcher.StopAsync(None);

        VerifyNeverCompleted();
        VerifyNeverGivenBack();
    }

    /// <summary>
    /// While an item of a key runs, work queued for that key does not wake the loop (it could not be claimed); the end of
    /// the run releases the key and wakes the loop for its next item.
    /// </summary>
    [Fact]
    public async Task RunningItem_MarksItsKeyBusyInTheSignal_UntilItsRunEnds_WhichWakesTheLoop()
    {
        var item = Claimable();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _runner.Setup(r => r.RunAsync(item, It.IsAny<IServiceProvider>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                started.TrySetResult();
                await release.Task;
                return "done";
            });
        var claims = 0;
        _queue.Setup(q => q.ClaimAsync(Topic.Name, WorkDispatcher.Owner, It.IsAny<DateTime>(), Lease, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback(() => Interlocked.Increment(ref claims))
            .ReturnsAsync(() => _claimable.TryDequeue(out var next) ? [next] : []);

        await _dispatcher.StartAsync(None);
        await started.Task.WaitAsync(Bound);
        Assert.True(_signal.IsRunning(Topic.Name, item.Key!));
        var claimsWhileRunning = Volatile.Read(ref claims);

        release.SetResult();
        await TestTime.UntilAsync(() => !_signal.IsRunning(Topic.Name, item.Key!), "the run released its key");
        await TestTime.UntilAsync(() => Volatile.Read(ref claims) > claimsWhileRunning, "the end of the run woke the loop to claim");
        await _dispatcher.StopAsync(None);
    }

    [Fact]
    public async Task ChatCalls_RunUpToTheirOwnParallelism_DeliveriesUpToTheQueues()
    {
        // Chat calls wait on Slack or Teams while deliveries work the CPU and the store: one setting for both either
        // held a burst of declares to a few calls in flight or slowed every acknowledgement down.
        var chat = new Mock<IOutboxExecutor>();
        chat.Setup(e => e.Name).Returns("chat");
        var asked = new ConcurrentDictionary<string, int>();
        var queue = new Mock<IWorkQueueStore>();
        queue.Setup(q => q.ClaimAsync(It.IsAny<string>(), WorkDispatcher.Owner, It.IsAny<DateTime>(), Lease, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback((string topic, string _, DateTime _, TimeSpan _, int max, CancellationToken _) => asked[topic] = max)
            .ReturnsAsync([]);
        var dispatcher = new WorkDispatcher(
            _services.GetRequiredService<IServiceScopeFactory>(), queue.Object, [_runner.Object], [chat.Object], [],
            _signal, _clock,
            Microsoft.Extensions.Options.Options.Create(new OutboxOptions { LeaseDuration = Lease, Parallelism = 3, ChatParallelism = 12 }),
            Microsoft.Extensions.Options.Options.Create(new StorageOptions()),
            new WorkMetrics(),
            NullLogger<WorkDispatcher>.Instance);

        await dispatcher.StartAsync(None);
        await TestTime.UntilAsync(() => asked.Count == 2, "both topics claimed");
        await dispatcher.StopAsync(None);

        Assert.Equal(3, asked[Topic.Name]);
        Assert.Equal(12, asked["outbox.chat"]);
    }

    [Fact]
    public async Task Shutdown_WhileItRuns_GivesTheItemBackDueNow_WithoutCountingTheAttempt()
    {
        var item = Claimable();
        var (started, cancelled) = HangingRun();

        await _dispatcher.StartAsync(None);
        await started.WaitAsync(Bound);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await _dispatcher.StopAsync(None);

        Assert.True(cancelled.IsCompletedSuccessfully);
        var expected = new WorkRetry(item.Id, WorkDispatcher.Owner, Now, "shut down while running", CountsAsAttempt: false);
        _queue.Verify(q => q.RetryAsync(expected, It.IsAny<CancellationToken>()), Times.Once);
        VerifyNeverCompleted();
    }

    public async ValueTask DisposeAsync()
    {
        _dispatcher.Dispose();
        await _services.DisposeAsync();
    }
}
