using System.Collections.Concurrent;
using IncidentBot.Core;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Work;
using IncidentBot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Core.Inbox;

/// <summary>Deliveries stored before their ack, applied once, in order, and not lost across a restart.</summary>
public class InboxTests
{
    private static Task<CoreHarness> StartAsync(TestDatabase db, RecordingProcessor.Log log, FakeClock? clock = null) =>
        CoreHarness.StartAsync(db, s =>
        {
            s.AddSingleton(log);
            s.AddInboxProcessor<RecordingProcessor>("test");
        }, clock: clock);

    private static Task<bool> AcceptAsync(CoreHarness core, string id, string payload = "{}", string? orderingKey = null) =>
        core.WithDbAsync(async db =>
        {
            var writer = new InboxWriter(db, core.Clock, core.Services.GetRequiredService<InboxSignal>());
            return await writer.TryAcceptAsync("test", id, "command", payload, CancellationToken.None, orderingKey);
        });

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task OneChannelsDeliveries_ApplyInArrivalOrder_EvenWithTwoWorkersRacing(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log { Slow = true };
        await using var first = await StartAsync(db, log);
        await using var second = await StartAsync(db, log);
        for (var i = 0; i < 8; i++)
        {
            await AcceptAsync(first, $"c{i}", $"\"c{i}\"", orderingKey: "slack:C1");
        }

        async Task Drain(CoreHarness core)
        {
            var worker = core.Services.GetRequiredService<InboxWorker>();
            for (var round = 0; round < 40 && log.Payloads.Count < 8; round++)
            {
                if (await worker.RunDueAsync(CancellationToken.None) == 0)
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
        Assert.Equal(2, await core.WithDbAsync(d => d.InboxMessages.CountAsync()));
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
        await second.Services.GetRequiredService<InboxWorker>().RunDueAsync(CancellationToken.None);

        Assert.Equal(["\"a\"", "\"b\"", "\"c\""], log.Payloads);
        Assert.All(await second.WithDbAsync(d => d.InboxMessages.ToListAsync()), m => Assert.Equal(WorkStatus.Done, m.Status));
        Assert.Equal(0, await second.Services.GetRequiredService<InboxWorker>().RunDueAsync(CancellationToken.None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailingDelivery_IsRetriedThenMarkedFailed(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var log = new RecordingProcessor.Log { FailFor = "\"bad\"" };
        await using var core = await StartAsync(db, log);
        var worker = core.Services.GetRequiredService<InboxWorker>();
        await AcceptAsync(core, "x", "\"bad\"");

        for (var i = 0; i < InboxWorker.MaxDeliveryAttempts + 2; i++)
        {
            await worker.RunDueAsync(CancellationToken.None);
            core.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        var row = await core.WithDbAsync(d => d.InboxMessages.SingleAsync());
        Assert.Equal((WorkStatus.Failed, InboxWorker.MaxDeliveryAttempts), (row.Status, row.Attempts));
        Assert.Equal("processor refused", row.LastError);
        Assert.Equal(InboxWorker.MaxDeliveryAttempts, log.Attempts);
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
