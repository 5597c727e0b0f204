using System.Collections.Concurrent;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Outbox;

/// <summary>Side effects written with the change, run after it, retried, kept in order, and never lost across restarts.</summary>
public class OutboxTests
{
    private static readonly Actor Alice = CoreHarness.Alice;

    private static Task<CoreHarness> StartAsync(TestDatabase db, RecordingExecutor executor, FakeTimeProvider? clock = null) =>
        CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(executor), clock: clock);

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Declare_WritesItsIntentsInTheSameTransaction(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await StartAsync(db, new RecordingExecutor());

        var incident = await core.SendAsync(new DeclareIncident(Alice, "API latency"));

        var kinds = (await StoreProbe.ItemsAsync(core.Services, "outbox.")).Where(o => o.IncidentId == incident.Id).OrderBy(o => o.Id).Select(o => o.Kind).ToList();
        Assert.Equal(["incident.channel.ensure", "incident.invite", "incident.card.refresh", "incident.announce"], kinds);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ProcessKilledBeforeIntentsRan_RunsThemOnceAfterRestart(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = TestTime.NewClock();
        int number;

        // First process: the change commits, its first intent fails, then the process dies.
        var crashing = new RecordingExecutor { Behaviour = _ => throw new HttpRequestException("connection reset") };
        await using (var first = await StartAsync(db, crashing, clock))
        {
            number = (await first.SendAsync(new DeclareIncident(Alice, "Cache stampede"))).Number;
            await first.SendAsync(new ResolveIncident(Alice, number, "warmed the cache"));
            await first.Work.DrainAsync(CancellationToken.None);
            Assert.Empty(crashing.Ran);
        }

        // Second process, same database: everything still pending runs, in order, exactly once.
        var healthy = new RecordingExecutor();
        await using var second = await StartAsync(db, healthy, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        while (await second.Work.DrainAsync(CancellationToken.None) > 0)
        {
        }

        // Order is kept per key: each of the incident's lanes in the order written, its channel's making before them all and
        // its archive after everything written before it; the booking in the calendar's line. This executor takes every
        // intent without delay, so the booking's presenter reminder runs at once too.
        var ran = healthy.Ran.ToList();
        Type[] Lane(string key) => ran.Where(i => i.OrderingKey == key).Select(i => i.GetType()).ToArray();
        var id = ran.OfType<EnsureIncidentChannel>().Single().IncidentId;
        Assert.Equal([typeof(EnsureIncidentChannel), typeof(CloseIncidentChannel), typeof(RemindReviewPresenter)], Lane(IncidentLanes.Whole(id)));
        Assert.Equal([typeof(RefreshStatusCard), typeof(RefreshStatusCard), typeof(PostToIncident), typeof(PostToIncident)], Lane(IncidentLanes.Posts(id)));
        Assert.Equal([typeof(InviteToIncident)], Lane(IncidentLanes.Members(id)));
        Assert.Equal([typeof(AnnounceIncident), typeof(AnnounceIncident)], Lane(IncidentLanes.Announcements(id)));
        var incidentsOwn = ran.Where(i => i.OrderingKey.StartsWith($"incident:{id}/", StringComparison.Ordinal)).ToList();
        Assert.IsType<EnsureIncidentChannel>(incidentsOwn[0]);
        var close = incidentsOwn.FindIndex(i => i is CloseIncidentChannel);
        Assert.Equal([typeof(CloseIncidentChannel), typeof(RemindReviewPresenter), typeof(PostToIncident)], incidentsOwn[close..].Select(i => i.GetType()));
        Assert.Single(healthy.Ran.OfType<ScheduleIncidentReview>());
        Assert.True(
            healthy.Ran.ToList().FindIndex(i => i is ScheduleIncidentReview) < healthy.Ran.ToList().FindLastIndex(i => i is PostToIncident),
            "the booking's own post is written when the booking runs");
        Assert.StartsWith($"Review of INC-{number} booked for", healthy.Ran.OfType<PostToIncident>().Last().Text);
        Assert.Equal(0, await second.Work.DrainAsync(CancellationToken.None));
        var rows = await StoreProbe.ItemsAsync(second.Services, "outbox.");
        // The review's presenter reminder waits for its own time, days ahead; everything due has run.
        Assert.All(rows.Where(r => r.DueAt <= clock.GetUtcNow().UtcDateTime), r => Assert.Equal(WorkStatus.Done, r.Status));
        Assert.Equal(2, rows.OrderBy(r => r.Id).First().Attempts);
        Assert.Contains("resolved after", healthy.Ran.OfType<PostToIncident>().First().Text);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RateLimited_IsRetriedAfterRetryAfter_WithoutCountingAsFailure_AndKeepsOrder(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = TestTime.NewClock();
        var limited = 0;
        var executor = new RecordingExecutor
        {
            Behaviour = intent => intent is EnsureIncidentChannel && Interlocked.Increment(ref limited) <= 30
                ? throw new OutboxRetryException("ratelimited", TimeSpan.FromSeconds(30))
                : Task.CompletedTask,
        };
        await using var core = await StartAsync(db, executor, clock);
        await core.SendAsync(new DeclareIncident(Alice, "Rate limit storm"));

        for (var i = 0; i < 30; i++)
        {
            await core.Work.DrainAsync(CancellationToken.None);
            Assert.Empty(executor.Ran); // the head is deferred, so nothing behind it may overtake it
            clock.Advance(TimeSpan.FromSeconds(29));
            Assert.Equal(0, await core.Work.DrainAsync(CancellationToken.None));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        while (await core.Work.DrainAsync(CancellationToken.None) > 0)
        {
        }

        // The channel first; then its lanes, which do not wait for one another.
        Assert.IsType<EnsureIncidentChannel>(executor.Ran.First());
        Assert.Equal(
            new[] { typeof(AnnounceIncident), typeof(InviteToIncident), typeof(RefreshStatusCard) },
            executor.Ran.Skip(1).Select(i => i.GetType()).OrderBy(t => t.Name, StringComparer.Ordinal));
        var head = (await StoreProbe.ItemsAsync(core.Services, "outbox.")).OrderBy(o => o.Id).First();
        Assert.Equal((WorkStatus.Done, 1), (head.Status, head.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task PersistentFailure_BacksOffThenIsParkedWithItsError(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = TestTime.NewClock();
        var executor = new RecordingExecutor { Behaviour = i => i is AnnounceIncident ? throw new InvalidOperationException("channel_not_found") : Task.CompletedTask };
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(executor),
            new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "3" }, clock);
        await core.SendAsync(new DeclareIncident(Alice, "Broken announce"));

        while (await core.Work.DrainAsync(CancellationToken.None) > 0)
        {
        }

        var afterFirst = (await StoreProbe.ItemsAsync(core.Services, "outbox.")).Single(o => o.Kind == "incident.announce");
        Assert.Equal((WorkStatus.Pending, 1), (afterFirst.Status, afterFirst.Attempts));
        Assert.Equal(clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(2), afterFirst.DueAt, TimeSpan.FromMilliseconds(1));

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            while (await core.Work.DrainAsync(CancellationToken.None) > 0)
            {
            }
        }

        var failed = (await StoreProbe.ItemsAsync(core.Services, "outbox.")).Single(o => o.Kind == "incident.announce");
        Assert.Equal((WorkStatus.Parked, 3), (failed.Status, failed.Attempts));
        Assert.Equal("channel_not_found", failed.LastError);
        Assert.Equal(3, executor.Ran.Count);
    }

    [SkippableFact]
    public async Task TwoReplicas_RunEachIntentOnce()
    {
        await using var db = await TestDatabases.CreateAsync("Postgres");
        var seen = new ConcurrentDictionary<string, int>();
        RecordingExecutor Counting() => new() { Behaviour = async i => { seen.AddOrUpdate($"{i.GetType().Name}:{i.IncidentId}", 1, (_, n) => n + 1); await Task.Yield(); } };
        await using var first = await StartAsync(db, Counting());
        await using var second = await StartAsync(db, Counting());
        for (var i = 0; i < 10; i++)
        {
            await first.SendAsync(new DeclareIncident(Alice, $"Incident {i}"));
        }

        await Task.WhenAll(
            Task.Run(async () => { while (await first.Work.DrainAsync(CancellationToken.None) > 0) { } }),
            Task.Run(async () => { while (await second.Work.DrainAsync(CancellationToken.None) > 0) { } }));
        while (await first.Work.DrainAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal(40, seen.Count);
        Assert.All(seen, kv => Assert.Equal(1, kv.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailingNotificationHandler_DoesNotStopOthers_NorUndoTheChange(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var heard = new ConcurrentQueue<string>();
        await using var core = await CoreHarness.StartAsync(db, s =>
        {
            s.AddSingleton<INotificationHandler<IncidentChanged>>(new ThrowingHandler());
            s.AddSingleton<INotificationHandler<IncidentChanged>>(new ListeningHandler(heard));
        });

        var incident = await core.SendAsync(new DeclareIncident(Alice, "Notification test"));
        await core.SendAsync(new AddTimelineEntry(Alice, incident.Number, "still here"));

        Assert.Equal(2, heard.Count);
        var stored = await core.SendAsync(new GetIncident(Alice, incident.Number));
        Assert.Contains(stored.Timeline, t => t.Text == "still here");
    }

    [Fact]
    public void Backoff_GrowsAndIsCapped()
    {
        var topic = new WorkTopic("outbox.test", 10, TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), topic.BackoffAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(16), topic.BackoffAfter(4));
        Assert.Equal(TimeSpan.FromMinutes(15), topic.BackoffAfter(30));
    }

    private sealed class ThrowingHandler : INotificationHandler<IncidentChanged>
    {
        public Task Handle(IncidentChanged notification, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    private sealed class ListeningHandler(ConcurrentQueue<string> heard) : INotificationHandler<IncidentChanged>
    {
        public Task Handle(IncidentChanged notification, CancellationToken cancellationToken)
        {
            heard.Enqueue(notification.Change);
            return Task.CompletedTask;
        }
    }
}
