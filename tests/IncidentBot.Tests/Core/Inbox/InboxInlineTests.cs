using System.Collections.Concurrent;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace IncidentBot.Tests.Core.Inbox;

/// <summary>
/// A delivery run inline (its answer must carry the result) against a mocked queue and change store: it is stored
/// before it runs, applied once, and a failure hands it to the queue instead of losing it.
/// </summary>
public sealed class InboxInlineTests : IAsyncDisposable
{
    private const long StoredId = 7;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestTime.NewClock();
    private readonly Mock<IWorkQueueStore> _queue = new();
    private readonly Mock<IChangeStore> _changes = new();
    private readonly ConcurrentQueue<string> _steps = new();
    private readonly ServiceProvider _services;
    private readonly InboxInline _inline;

    public InboxInlineTests()
    {
        _queue.Setup(q => q.AcceptAsync(It.IsAny<WorkItem>(), It.IsAny<CancellationToken>()))
            .Callback((WorkItem item, CancellationToken _) =>
            {
                item.Id = StoredId;
                _steps.Enqueue("stored");
            })
            .ReturnsAsync(true);
        _queue.Setup(q => q.RetryAsync(It.IsAny<WorkRetry>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _changes.Setup(c => c.CommitAsync(It.IsAny<StoreChange>(), It.IsAny<CancellationToken>()))
            .Callback((StoreChange change, CancellationToken _) => _steps.Enqueue(change.Completes is { } done ? $"completed {done.Id}" : "committed"))
            .Returns(Task.CompletedTask);
        _services = new ServiceCollection()
            .AddSingleton(_changes.Object)
            .AddScoped<WorkContext>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _inline = new InboxInline(_services.GetRequiredService<IServiceScopeFactory>(), _queue.Object, _clock,
            Microsoft.Extensions.Options.Options.Create(new OutboxOptions { LeaseDuration = Lease }), new InboxMetrics(), NullLogger<InboxInline>.Instance);
    }

    private Task<InlineRun<int>> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> work) =>
        _inline.RunAsync("teams", "activity:1", "invoke", "{}", work, CancellationToken.None);

    private Task<int> Answer(int result)
    {
        _steps.Enqueue("ran");
        return Task.FromResult(result);
    }

    [Fact]
    public async Task Delivery_IsStoredClaimedByThisProcess_BeforeItRuns_ThenCompleted()
    {
        WorkItem? stored = null;
        _queue.Setup(q => q.AcceptAsync(It.IsAny<WorkItem>(), It.IsAny<CancellationToken>()))
            .Callback((WorkItem item, CancellationToken _) =>
            {
                stored = item;
                item.Id = StoredId;
                _steps.Enqueue("stored");
            })
            .ReturnsAsync(true);

        var run = await RunAsync((_, _) => Answer(42));

        Assert.Equal(new InlineRun<int>(Duplicate: false, Applied: true, 42), run);
        Assert.Equal(["stored", "ran", $"completed {StoredId}"], _steps);
        Assert.NotNull(stored);
        Assert.Equal(("inbox.teams", "teams:activity:1", WorkDispatcher.Owner, 1), (stored.Topic, stored.UniqueKey, stored.LeaseOwner, stored.Attempts));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime + Lease, stored.LeaseUntil);
        _queue.Verify(q => q.RetryAsync(It.IsAny<WorkRetry>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Duplicate_IsNotRunAgain()
    {
        _queue.Setup(q => q.AcceptAsync(It.IsAny<WorkItem>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var run = await RunAsync((_, _) => Answer(42));

        Assert.Equal(new InlineRun<int>(Duplicate: true, Applied: false, 0), run);
        Assert.Empty(_steps);
    }

    [Fact]
    public async Task Failure_HandsTheDeliveryToTheQueue_DueInASecond_AndReachesTheCaller()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync((_, _) => throw new InvalidOperationException("card refused")));

        Assert.Equal("card refused", error.Message);
        _queue.Verify(q => q.RetryAsync(new WorkRetry(StoredId, WorkDispatcher.Owner, _clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1), "card refused"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["stored"], _steps);
    }

    /// <summary>The change that is the delivery's effect committed with its completion; only the answer failed. Retrying would apply it twice.</summary>
    [Fact]
    public async Task FailureAfterTheEffectCommitted_IsNotRetried()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(async (scope, ct) =>
        {
            var work = scope.GetRequiredService<WorkContext>();
            var change = new StoreChange();
            work.AddTo(change);
            await scope.GetRequiredService<IChangeStore>().CommitAsync(change, ct);
            work.Committed(change);
            throw new HttpRequestException("the answer could not be sent");
        }));

        Assert.Equal(["stored", $"completed {StoredId}"], _steps);
        _queue.Verify(q => q.RetryAsync(It.IsAny<WorkRetry>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
