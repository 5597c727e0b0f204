using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Core.WorkRuntime;

/// <summary>
/// The dispatcher's rules on a real store and a fake clock: its background loops sleep on the clock, so the test
/// moves time and asserts what ran and in which state the queue is, never how long anything took.
/// </summary>
public class WorkDispatcherTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<CoreHarness> StartAsync(TestDatabase db, RecordingExecutor executor, Dictionary<string, string?>? settings = null) =>
        CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(executor), settings);

    /// <summary>Queues one intent for <paramref name="executor"/>, as a committed change would.</summary>
    private static async Task<WorkItem> QueueAsync(CoreHarness core, RecordingExecutor executor, IOutboxIntent intent)
    {
        var change = new StoreChange();
        new OutboxWriter([executor], core.Clock).Enqueue(change, intent);
        var item = Assert.Single(change.Enqueued);
        Assert.True(await core.Queue.AcceptAsync(item, None));
        core.Services.GetRequiredService<WorkSignal>().Raise(item.Topic);
        return item;
    }

    /// <summary>An executor whose first call hangs until <paramref name="release"/> completes; any later call returns at once.</summary>
    private static RecordingExecutor FirstCallWaitsFor(Task release)
    {
        var calls = 0;
        return new RecordingExecutor { Behaviour = _ => Interlocked.Increment(ref calls) == 1 ? release : Task.CompletedTask };
    }

    private static async Task<WorkItem> FindAsync(CoreHarness core, WorkItem item) =>
        await core.Queue.FindAsync(item.Id, None) ?? throw new InvalidOperationException($"Work item {item.Id} is gone.");

    private static DateTime Now(CoreHarness core) => core.Clock.GetUtcNow().UtcDateTime;

    /// <summary>Starts the dispatcher's background loops; disposing stops them (as the host does on shutdown).</summary>
    private static async Task<IAsyncDisposable> RunningAsync(CoreHarness core)
    {
        await core.Work.StartAsync(None);
        return new Stopper(core.Work);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailedItem_IsRunAgainByTheBackgroundLoop_OnceTheClockPassesItsDueTime(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var failures = 1;
        var executor = new RecordingExecutor { Behaviour = _ => Interlocked.Decrement(ref failures) >= 0 ? throw new HttpRequestException("connection reset") : Task.CompletedTask };
        // Polls a minute apart: nothing but the clock passing wakes the loop for the retry.
        await using var core = await StartAsync(db, executor, new() { ["Outbox:PollInterval"] = "00:01:00" });
        var item = await QueueAsync(core, executor, new RefreshStatusCard(1));
        var queuedAt = Now(core);

        await using (await RunningAsync(core))
        {
            await TestTime.UntilAsync(async () => (await FindAsync(core, item)).LastError is not null, "the first run failed");
            var failed = await FindAsync(core, item);
            Assert.Equal((WorkStatus.Pending, 1, "connection reset"), (failed.Status, failed.Attempts, failed.LastError));
            Assert.Equal(queuedAt + TimeSpan.FromSeconds(2), failed.DueAt, TimeSpan.FromMilliseconds(1));

            // A minute a step: on a loaded machine a step can come while the retry runs, past its 30 s lease; the lease
            // is still its own, so it runs once (RunningItem_WhoseLeaseLapsedUntaken_IsRenewedAndRunsOnce).
            await core.Clock.AdvanceUntilAsync(TimeSpan.FromMinutes(1), () => Task.FromResult(executor.Started.Count >= 2), "the retry started");
            await TestTime.UntilAsync(async () => (await FindAsync(core, item)).Status == WorkStatus.Done, "the retry ran");
        }

        Assert.Equal(2, executor.Started.Count);
        Assert.Single(executor.Ran);
        Assert.Equal(2, (await FindAsync(core, item)).Attempts);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailedItem_IsNotRunBeforeItsBackoff_AndIsParkedOnceItsBudgetIsSpent(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var executor = new RecordingExecutor { Behaviour = _ => throw new InvalidOperationException("channel_not_found") };
        await using var core = await StartAsync(db, executor, new() { ["Outbox:MaxAttempts"] = "3" });
        var item = await QueueAsync(core, executor, new PostToIncident(1, "Checkout is failing", null));
        var tick = TimeSpan.FromMilliseconds(1);

        Assert.Equal(1, await core.Work.DrainAsync(None));
        foreach (var backoff in new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) })
        {
            core.Clock.Advance(backoff - tick);
            Assert.Equal(0, await core.Work.DrainAsync(None)); // not due yet
            core.Clock.Advance(tick);
            Assert.Equal(1, await core.Work.DrainAsync(None));
        }

        var parked = await FindAsync(core, item);
        Assert.Equal((WorkStatus.Parked, 3, "channel_not_found"), (parked.Status, parked.Attempts, parked.LastError));
        core.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await core.Work.DrainAsync(None));
        Assert.Equal(3, executor.Started.Count);
        Assert.Empty(executor.Ran);
    }

    /// <summary>
    /// A call that outlasts the lease (a slow platform) keeps its item: the lease is renewed every third of it, so the
    /// item is neither claimed again by this process nor by another, and runs once.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RunningItem_KeepsItsLeasePastTheLeaseDuration_AndRunsOnce(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new RecordingExecutor { Behaviour = _ => release.Task };
        await using var core = await StartAsync(db, executor, new() { ["Outbox:LeaseDuration"] = "00:00:30" });
        var item = await QueueAsync(core, executor, new RefreshStatusCard(1));
        var step = Lease / 3;

        await using (await RunningAsync(core))
        {
            await TestTime.UntilAsync(() => !executor.Started.IsEmpty, "the executor was called");

            // Three leases' worth of time while the call hangs: every third of a lease, the lease is extended to a
            // whole lease from then.
            for (var i = 0; i < 9; i++)
            {
                core.Clock.Advance(step);
                var renewedTo = Now(core) + Lease;
                await TestTime.UntilAsync(async () => (await FindAsync(core, item)).LeaseUntil >= renewedTo - TimeSpan.FromMilliseconds(1),
                    $"the lease was renewed (step {i + 1})");
                var running = await FindAsync(core, item);
                Assert.Equal((WorkStatus.Pending, WorkDispatcher.Owner, 1), (running.Status, running.LeaseOwner, running.Attempts));
                Assert.Equal(renewedTo, running.LeaseUntil!.Value, TimeSpan.FromMilliseconds(1));
            }

            Assert.Empty(await core.Queue.ClaimAsync(item.Topic, "another-replica", Now(core), Lease, 10, None));
            Assert.Single(executor.Started);

            release.SetResult();
            await TestTime.UntilAsync(async () => (await FindAsync(core, item)).Status == WorkStatus.Done, "the released call completed its item");
        }

        Assert.Single(executor.Started);
        Assert.Single(executor.Ran);
        Assert.Equal(1, (await FindAsync(core, item)).Attempts);
    }

    /// <summary>
    /// The clock steps past a running item's lease before any renewal could run (the host's clock is set forward, the
    /// process is paused): the lease has lapsed, so the item is claimable again, and this process claims it. It is
    /// still running here, so it is not started a second time; the first run completes it. (Found as a response_url
    /// reply sent twice.)
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ItemStillRunningHere_WhenItsLapsedLeaseIsClaimedAgain_IsNotStartedTwice(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = FirstCallWaitsFor(release.Task);
        await using var core = await StartAsync(db, executor, new() { ["Outbox:LeaseDuration"] = "00:00:30" });
        var item = await QueueAsync(core, executor, new RefreshStatusCard(1));

        // Driven by DrainAsync alone: no renewal loop runs, so nothing extends the lease between the step and the claim.
        var first = core.Work.DrainAsync(None);
        await TestTime.UntilAsync(() => !executor.Started.IsEmpty, "the executor was called");
        core.Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(0, await core.Work.DrainAsync(None));
        Assert.Single(executor.Started);

        release.SetResult();
        Assert.Equal(1, await first);
        Assert.Single(executor.Started);
        Assert.Single(executor.Ran);
        Assert.Equal(WorkStatus.Done, (await FindAsync(core, item)).Status);
    }

    /// <summary>
    /// The clock steps several leases forward while an item runs, and the renewal comes before any claim: the lease
    /// has lapsed but nobody else took it, so the renewal keeps it and the run goes on to complete it, once. (Found as
    /// a retry started a third time on a loaded machine: the renewal cancelled its own lapsed run and it ran again.)
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RunningItem_WhoseLeaseLapsedUntaken_IsRenewedAndRunsOnce(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = FirstCallWaitsFor(release.Task);
        // Polls an hour apart, so the renewal (every third of the lease) is the loop that meets the step first.
        await using var core = await StartAsync(db, executor, new() { ["Outbox:LeaseDuration"] = "00:00:30", ["Outbox:PollInterval"] = "01:00:00" });
        var item = await QueueAsync(core, executor, new RefreshStatusCard(1));

        await using (await RunningAsync(core))
        {
            await TestTime.UntilAsync(() => !executor.Started.IsEmpty, "the executor was called");
            core.Clock.Advance(Lease * 4);
            var renewedTo = Now(core) + Lease;
            await TestTime.UntilAsync(async () => executor.Started.Count > 1 || (await FindAsync(core, item)).LeaseUntil >= renewedTo - TimeSpan.FromMilliseconds(1),
                "the lease was renewed, or the item started again");
            Assert.Single(executor.Started);
            var running = await FindAsync(core, item);
            Assert.Equal((WorkStatus.Pending, WorkDispatcher.Owner), (running.Status, running.LeaseOwner));

            release.SetResult();
            await TestTime.UntilAsync(async () => (await FindAsync(core, item)).Status == WorkStatus.Done, "the released call completed its item");
        }

        Assert.Single(executor.Started);
        Assert.Single(executor.Ran);
    }

    /// <summary>A process shutting down mid-call gives the item back at once, so the next process need not wait out the lease.</summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Shutdown_WhileAnItemRuns_GivesItBackPendingAndDueNow(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new RecordingExecutor { Behaviour = _ => hang.Task };
        await using var core = await StartAsync(db, executor);
        var item = await QueueAsync(core, executor, new RefreshStatusCard(1));

        await core.Work.StartAsync(None);
        await TestTime.UntilAsync(() => !executor.Started.IsEmpty, "the executor was called");
        core.Clock.Advance(TimeSpan.FromSeconds(5));
        var stoppedAt = Now(core);
        await core.Work.StopAsync(None);

        var given = await FindAsync(core, item);
        Assert.Equal((WorkStatus.Pending, (string?)null, 0), (given.Status, given.LeaseOwner, given.Attempts));
        Assert.Equal(stoppedAt, given.DueAt, TimeSpan.FromMilliseconds(1));
        Assert.Empty(executor.Ran);

        // The next process claims it straight away: no lease to wait out.
        hang.SetResult();
        Assert.Equal(1, await core.Work.DrainAsync(None));
        Assert.Equal((WorkStatus.Done, 1), ((await FindAsync(core, item)).Status, (await FindAsync(core, item)).Attempts));
        Assert.Equal(2, executor.Started.Count);
        Assert.Single(executor.Ran);
    }

    /// <summary>
    /// One platform call hangs (a Slack request that never answers): only its incident's later intents on that
    /// platform wait behind it. Another incident on the same platform and the same incident on another platform go on.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task HungExecutorCall_DelaysNeitherAnotherIncidentOnItsExecutor_NorAnotherExecutor(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long hungIncident = 0;
        var chat = new RecordingExecutor("chat") { Behaviour = intent => intent.IncidentId == hungIncident ? hang.Task : Task.CompletedTask };
        var other = new RecordingExecutor("other");
        await using var core = await CoreHarness.StartAsync(db, s =>
        {
            s.AddSingleton<IOutboxExecutor>(chat);
            s.AddSingleton<IOutboxExecutor>(other);
        });
        var first = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));
        hungIncident = first.Id; // read once the loops start, below
        var second = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Search slow"));
        // The channel first, then its lanes (members, posts, announcements), which finish in any order.
        Type[] declared = [typeof(EnsureIncidentChannel), typeof(AnnounceIncident), typeof(InviteToIncident), typeof(RefreshStatusCard)];
        IEnumerable<Type> Ran(RecordingExecutor executor, long incident)
        {
            var ran = executor.Ran.Where(i => i.IncidentId == incident).Select(i => i.GetType()).ToList();
            return ran.Take(1).Concat(ran.Skip(1).OrderBy(t => t.Name, StringComparer.Ordinal));
        }

        await using (await RunningAsync(core))
        {
            await TestTime.UntilAsync(() => Ran(chat, second.Id).Count() == declared.Length, "the other incident's intents ran on the hung executor");
            await TestTime.UntilAsync(() => Ran(other, first.Id).Count() == declared.Length, "the hung incident's intents ran on the other executor");

            // Still hung: its first call started and nothing of its incident finished on that executor.
            Assert.Equal([typeof(EnsureIncidentChannel)], chat.Started.Where(i => i.IncidentId == first.Id).Select(i => i.GetType()));
            Assert.Empty(Ran(chat, first.Id));
            Assert.Equal(declared, Ran(chat, second.Id));
            Assert.Equal(declared, Ran(other, first.Id));

            hang.SetResult();
            await TestTime.UntilAsync(() => Ran(chat, first.Id).Count() == declared.Length, "the released incident's intents ran");
        }

        Assert.Equal(declared, Ran(chat, first.Id));
        Assert.Equal(declared.Length, chat.Started.Count(i => i.IncidentId == first.Id)); // each ran once
        Assert.All(await StoreProbe.ItemsAsync(core.Services, "outbox.chat"), i => Assert.Equal(WorkStatus.Done, i.Status));
    }

    private sealed class Stopper(WorkDispatcher work) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await work.StopAsync(CancellationToken.None);
    }
}
