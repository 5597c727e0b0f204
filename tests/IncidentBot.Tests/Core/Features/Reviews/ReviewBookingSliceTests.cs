using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary>Resolving books the review and writes the doc, through the outbox, on a real database.</summary>
public class ReviewBookingSliceTests
{
    // Monday 2026-11-16 09:00 Berlin: the next Tuesday-16:00 session (Nov 17) freezes 48 h ahead, so it is already frozen.
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
        ["Reviews:Meeting:DayOfWeek"] = "Tuesday",
        ["Reviews:Meeting:Time"] = "16:00",
        ["Reviews:Facilitators:0"] = "console:fran",
    };

    private static async Task<int> ResolvedAsync(CoreHarness core, string title, string severity = "SEV2", string? service = null)
    {
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, title, severity, Service: service));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "fixed"));
        await core.RunAllDueAsync();

        return incident.Number;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Resolve_BooksTheNextOpenSession_TwoPerSession_AndWritesTheDoc(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var recorder = new RecordingExecutor("chat");
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(recorder), Settings, new FakeTimeProvider(Monday));

        var first = await ResolvedAsync(core, "Checkout errors");
        var second = await ResolvedAsync(core, "Search slow");
        var third = await ResolvedAsync(core, "Login failures");

        var bookings = await BookingsAsync(core);
        var nov24 = new DateTime(2026, 11, 24, 15, 0, 0, DateTimeKind.Utc); // 16:00 CET
        var dec1 = new DateTime(2026, 12, 1, 15, 0, 0, DateTimeKind.Utc);
        Assert.Equal([(first, 1, nov24), (second, 2, nov24), (third, 1, dec1)], bookings.Select(b => (b.Number, b.Slot, b.StartUtc)));
        Assert.Contains(recorder.Ran.OfType<PostToIncident>(), p => p.Text == $"Review of INC-{first} booked for Tuesday 2026-11-24 16:00 Europe/Berlin, slot 1.");

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, first));
        Assert.Contains("Checkout errors", doc.Markdown);
        Assert.Null(doc.TemplateErrors);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task BelowTheSeverityLine_IsNotBooked_UnlessAsked_AndRelatedIncidentsBatch(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));

        var minor = await ResolvedAsync(core, "Typo on status page", "SEV4");
        var a = await ResolvedAsync(core, "Payments 502", "SEV2", service: "payments");
        var b = await ResolvedAsync(core, "Payments timeouts", "SEV3", service: "payments");
        var c = await ResolvedAsync(core, "Payments retries", "SEV3", service: "payments");

        var minorId = (await core.Incidents.FindAsync(minor, CancellationToken.None))!.Id;
        var bookings = await BookingsAsync(core);
        Assert.DoesNotContain(bookings, x => x.Number == minor);
        var sessionsUsed = bookings.Select(x => x.StartUtc).Distinct().Count();
        Assert.Equal(1, sessionsUsed); // three related incidents form one batch
        var forced = await core.SendAsync(new BookIncidentReview(minorId, Force: true));
        Assert.Equal(BookingOutcome.Booked, forced.Outcome);
        _ = (a, b, c);
    }

    [SkippableFact]
    public async Task TwoReplicasBookingAtOnce_KeepBothBookings()
    {
        await using var db = await TestDatabases.CreateAsync("Postgres");
        var clock = new FakeTimeProvider(Monday);
        await using var first = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        await using var second = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var incident = await first.SendAsync(new DeclareIncident(CoreHarness.Alice, $"Incident {i}", "SEV2"));
            await first.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "fixed"));
            ids.Add(incident.Id);
        }

        // The loser of a calendar race retries after a pause on the clock, so time has to pass.
        await clock.LetTimePassUntilDoneAsync(Task.WhenAll(ids.Select((id, i) => Task.Run(() => (i % 2 == 0 ? first : second).SendAsync(new BookIncidentReview(id))))));

        var sessions = (await first.Services.GetRequiredService<IReviewStore>().LoadCalendarAsync(DateTime.MinValue, CancellationToken.None)).Sessions;
        var booked = sessions.SelectMany(s => s.Bookings).Select(b => b.IncidentId).ToList();
        Assert.Equal(ids.Order(), booked.Order());
        var perSession = sessions.Where(s => s.Bookings.Count > 0).Select(s => s.Bookings.Count).ToList();
        Assert.All(perSession, n => Assert.Equal(2, n));
    }

    private static async Task<List<(int Number, int Slot, DateTime StartUtc)>> BookingsAsync(CoreHarness core)
    {
        var sessions = (await core.Services.GetRequiredService<IReviewStore>().LoadCalendarAsync(DateTime.MinValue, CancellationToken.None)).Sessions;
        var rows = new List<(int Number, int Slot, DateTime StartUtc)>();
        foreach (var session in sessions)
        {
            foreach (var booking in session.Bookings)
            {
                var incident = await core.Incidents.FindByIdAsync(booking.IncidentId, CancellationToken.None);
                rows.Add((incident!.Number, booking.Slot, session.StartUtc));
            }
        }

        return rows.OrderBy(r => r.Number).ToList();
    }
}
