using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Outbox;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

public class ReviewFreezeTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AtFreezeTime_TheAgendaIsPostedOnce_AndAnEmptySessionIsCancelled(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero));
        var recorder = new RecordingExecutor("chat");
        var settings = new Dictionary<string, string?> { ["Reviews:Meeting:TimeZone"] = "Europe/Berlin" };
        await using var first = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(recorder), settings, clock);
        // A second replica on PostgreSQL; LiteDB allows one process, so there the two runs race in one.
        await using var second = provider == "Postgres" ? await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(recorder), settings, clock) : null;
        var incident = await first.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await first.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await first.RunAllDueAsync();

        var freeze = first.Services.GetRequiredService<ReviewFreezeWorker>();
        var freeze2 = (second ?? first).Services.GetRequiredService<ReviewFreezeWorker>();
        Assert.Equal(0, await freeze.RunDueAsync(CancellationToken.None)); // first run only sets the checkpoint

        // Tue 2026-11-24 16:00 Berlin = 15:00 UTC; frozen 48 h before: Sun 22 15:00 UTC.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 22, 14, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await freeze.RunDueAsync(CancellationToken.None));
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 22, 15, 1, 0, TimeSpan.Zero));
        var counts = await Task.WhenAll(Task.Run(() => freeze.RunDueAsync(CancellationToken.None)), Task.Run(() => freeze2.RunDueAsync(CancellationToken.None)));
        Assert.Equal(1, counts.Sum());

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 29, 15, 1, 0, TimeSpan.Zero));
        Assert.Equal(1, await freeze.RunDueAsync(CancellationToken.None));
        Assert.Equal(0, await freeze.RunDueAsync(CancellationToken.None));
        await first.RunAllDueAsync();

        var posts = recorder.Ran.OfType<PostToReviewsChannel>().Select(p => p.Text).ToList();
        Assert.Equal(2, posts.Count);
        Assert.StartsWith("Agenda of the incident review on Tuesday 2026-11-24 16:00 Europe/Berlin", posts[0]);
        Assert.Contains($"1. INC-{incident.Number} · SEV2 · Checkout errors", posts[0]);
        Assert.Equal("The incident review on Tuesday 2026-12-01 16:00 Europe/Berlin is cancelled: nothing is booked for it.", posts[1]);
    }
}
