using System.Collections.Concurrent;
using IncidentBot.Core;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Inbox;

/// <summary>Deliveries stored before their ack, applied once, in order, and not lost across a restart.</summary>
public class InboxTests
{
    private static Task<CoreHarness> StartAsync(TestDatabase db, RecordingProcessor.Log log, FakeTimeProvider? clock = null) =>
        CoreHarness.StartAsync(db, s =>
        {
            s.AddSingleton(log);
            s.AddInboxProcessor<RecordingProcessor>("test");
        }, clock: clock);

    private static Task<bool> AcceptAsync(CoreHarness core, string id, string payload = "{}", string? orderingKey = null) =>
        new InboxWriter(core.Queue, core.Clock, core.Services.GetRequiredService<WorkSignal>(), core.Services.GetRequiredService<InboxMetrics>())
            .TryAcceptAsync("test", id, "command", payload, CancellationToken.None, orderingKey);

    private static Task<IReadOnlyList<WorkItem>> ItemsAsync(CoreHarness core, WorkStatus status) =>
        core.Queue.ListAsync("inbox.test", status, 1000, CancellationToken.None);

    [SkippableFact]
    public async Task OneChannelsDeliveries_ApplyInArrivalOrder_EvenWithTwoReplicasRacing()
    {
        await using var db = await TestDatabases.CreateAsync("Postgres");
        var log = new RecordingProcessor.Log { Slow = true };
        await using var first = await StartAsync(db, log);
        await using var second = await StartAsync(db, log);
        for (var i = 0; i < 8; i++)
        {
            await AcceptAsync(first, $"c{i}", $"\"c{i}\"", orderingKey: "slack:C1");
        }

        async Task Drain(CoreHarness core)
        {
            for (var round = 0; round < 400 && log.Payloads.Count < 8; round++)
            {
                if (await core.Work.DrainAsync(CancellationToken.None) == 0)
                {
                    await Task.Delay(5);
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Drain(first)), Task.Run(() => Drain(second)));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"\"c{i}\""), log.Payloads);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SameDelivery_IsAcceptedOnce_EvenWhenRacing(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await StartAsync(db, new RecordingProcessor.Log());

        Assert.True(await AcceptAsync(core, "Ev1"));
        Assert.False(await AcceptAsync(core, "Ev1"));
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => AcceptAsync(core, "Ev2"))));

        Assert.Single(racing, accepted => accepted);
        Assert.Equal(2, (await ItemsAsync(core, WorkStatus.Pending)).Count);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Deliveries_AreProcessedInArrivalOrder_AcrossARestart(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log();
        await using (var first = await StartAsync(db, new RecordingProcessor.Log()))
        {
            foreach (var id in new[] { "a", "b", "c" })
            {
                await AcceptAsync(first, id, $"\"{id}\"");
            }
        }

        await using var second = await StartAsync(db, log);
        await second.Work.DrainAsync(CancellationToken.None);

        Assert.Equal(["\"a\"", "\"b\"", "\"c\""], log.Payloads);
        Assert.Equal(3, (await ItemsAsync(second, WorkStatus.Done)).Count);
        Assert.Empty(await ItemsAsync(second, WorkStatus.Pending));
        Assert.Equal(0, await second.Work.DrainAsync(CancellationToken.None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailingDelivery_IsRetriedThenParked_AndCanBeRetriedByAnAdmin(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log { FailFor = "\"bad\"" };
        await using var core = await StartAsync(db, log);
        await AcceptAsync(core, "x", "\"bad\"");

        for (var i = 0; i < InboxRunner.MaxDeliveryAttempts + 2; i++)
        {
            await core.Work.DrainAsync(CancellationToken.None);
            core.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        var parked = Assert.Single(await ItemsAsync(core, WorkStatus.Parked));
        Assert.Equal(InboxRunner.MaxDeliveryAttempts, parked.Attempts);
        Assert.Equal("processor refused", parked.LastError);
        Assert.Equal(InboxRunner.MaxDeliveryAttempts, log.Attempts);
        Assert.Equal(1, (await core.Queue.HealthAsync(core.Clock.GetUtcNow().UtcDateTime, CancellationToken.None)).Parked);

        Assert.True(await core.Queue.RetryParkedAsync(parked.Id, core.Clock.GetUtcNow().UtcDateTime, CancellationToken.None));
        await core.Work.DrainAsync(CancellationToken.None);
        Assert.Equal(InboxRunner.MaxDeliveryAttempts + 1, log.Attempts);
    }

    /// <summary>
    /// The fault this guards: one delivery that can never succeed held its channel for its whole retry budget (~14 s
    /// each), so a note typed after three of them waited 42 s.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task PoisonDelivery_DoesNotHoldItsChannel_TheNextDeliveryRunsInItsOwnTurn(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log { FailFor = "\"poison\"" };
        await using var core = await StartAsync(db, log);
        for (var i = 0; i < 3; i++)
        {
            await AcceptAsync(core, $"p{i}", "\"poison\"", orderingKey: "slack:C1");
        }

        await AcceptAsync(core, "note", "\"note\"", orderingKey: "slack:C1");

        // One pass, no time passing: each poison fails once and steps aside; the note is applied in its own turn.
        await core.Work.DrainAsync(CancellationToken.None);

        Assert.Equal(["\"note\""], log.Payloads);
        Assert.Equal(3, (await ItemsAsync(core, WorkStatus.Pending)).Count);
    }

    /// <summary>A delivery due later (timed work) never delays one due now in the same key.</summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task WorkDueLater_DoesNotDelayWorkDueNowOfItsKey(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log();
        await using var core = await StartAsync(db, log);
        var now = core.Clock.GetUtcNow().UtcDateTime;
        var later = InboxWriter.NewItem("test", "archive", "command", "\"archive\"", "incident:1", now);
        later.DueAt = now + TimeSpan.FromDays(7);
        Assert.True(await core.Queue.AcceptAsync(later, CancellationToken.None));
        await AcceptAsync(core, "now", "\"now\"", orderingKey: "incident:1");

        await core.Work.DrainAsync(CancellationToken.None);
        Assert.Equal(["\"now\""], log.Payloads);

        core.Clock.Advance(TimeSpan.FromDays(7));
        await core.Work.DrainAsync(CancellationToken.None);
        Assert.Equal(["\"now\"", "\"archive\""], log.Payloads);
    }

    public sealed class RecordingProcessor(RecordingProcessor.Log log) : IInboxProcessor
    {
        public string Source => "test";

        public async Task ProcessAsync(InboxMessage message, CancellationToken cancellationToken)
        {
            log.CountAttempt();
            if (log.Slow)
            {
                await Task.Delay(10, cancellationToken);
            }

            if (message.Payload == log.FailFor)
            {
                throw new InvalidOperationException("processor refused");
            }

            log.Queue.Enqueue(message.Payload);
        }

        public sealed class Log
        {
            private int _attempts;

            public int Attempts => _attempts;

            public void CountAttempt() => Interlocked.Increment(ref _attempts);

            public ConcurrentQueue<string> Queue { get; } = new();

            public string? FailFor { get; init; }

            public bool Slow { get; init; }

            public IReadOnlyList<string> Payloads => [.. Queue];
        }
    }
}
