using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary>
/// "Is it working?" on a seeded quarter (July to September 2026, meeting in UTC on Tuesdays at 16:00, agendas fixed
/// 48 h ahead), asked on 30 September. Every expected number is worked out by hand in the comments.
/// </summary>
public class ReviewHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 30, 12, 0, 0, TimeSpan.Zero);

    private static DateTime At(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static readonly Actor Alice = CoreHarness.Alice;

    private static async Task<Incident> SeedAsync(CoreHarness core, string severity, string service, DateTime declared, DateTime? impact, DateTime? resolved,
        (string Text, DateTime At)? factors = null, params ActionItem[] items)
    {
        var store = core.Services.GetRequiredService<IIncidentStore>();
        var incident = Incident.Declare(0, $"{service} trouble", severity, Alice, declared, service: service, id: await store.NewIncidentIdAsync(CancellationToken.None));
        incident.ImpactStartedAt = impact;
        if (resolved is { } r)
        {
            incident.Status = IncidentStatus.Resolved;
            incident.ResolvedAt = r;
        }

        if (factors is { } f)
        {
            incident.ReviewSections.Add(new ReviewSectionEdit { Section = "contributing-factors", Text = f.Text, AuthorKey = Alice.PersonKey, At = f.At });
        }

        incident.ActionItems.AddRange(items);
        var change = new StoreChange { Declared = incident };
        change.NewEntries.AddRange(incident.Timeline);
        await core.Services.GetRequiredService<IChangeStore>().CommitAsync(change, CancellationToken.None);
        return incident;
    }

    private static ActionItem Item(long id, DateTime created, DateOnly? due, ActionItemStatus status = ActionItemStatus.Open, DateTime? closed = null) =>
        new() { Id = id, Text = $"follow-up {id}", OwnerKey = "console:bob", CreatedBy = Alice.PersonKey, CreatedAt = created, DueOn = due, Status = status, ClosedAt = closed };

    private static ReviewSession Session(DateTime start, bool cancelled, params Incident[] booked) => new()
    {
        StartUtc = start,
        Cancelled = cancelled,
        Bookings = booked.Select((i, slot) => new ReviewBooking { IncidentId = i.Id, Slot = slot + 1, BookedAt = i.ResolvedAt!.Value }).ToList(),
    };

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SeededQuarter_GivesTheFiguresWorkedOutByHand(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, clock: new FakeTimeProvider(Now));

        // 1: SEV1 checkout, impact 10:00, declared 10:30, resolved 12:30: detect 30 min, resolve 150 min. Its factors
        // were written on 3 July, before its agenda (7 July 16:00) froze on 5 July 16:00: filled.
        var one = await SeedAsync(core, "SEV1", "checkout", At(7, 1, 10, 30), At(7, 1, 10), At(7, 1, 12, 30),
            ("- Deploy skipped the canary\n- Retry storm", At(7, 3)),
            Item(1, At(7, 1, 13), new DateOnly(2026, 7, 15), ActionItemStatus.Done, At(7, 10)),
            Item(2, At(7, 1, 13), new DateOnly(2026, 8, 1)));

        // 2: SEV2 checkout, detect 60, resolve 180; factors written 29 July, after its agenda (28 July) froze on 26 July.
        var two = await SeedAsync(core, "SEV2", "checkout", At(7, 20, 9), At(7, 20, 8), At(7, 20, 11),
            ("Retry storm.", At(7, 29)),
            Item(1, At(7, 21), new DateOnly(2026, 7, 31), ActionItemStatus.WontDo, At(8, 5)));

        // 3: SEV2 search, no impact start: no detect time, resolve 240 from the declare; nothing written.
        var three = await SeedAsync(core, "SEV2", "search", At(8, 10, 10), null, At(8, 10, 14));

        // 4: SEV1 checkout, detect 90, resolve 210; factors written 5 September, before its freeze (13 September).
        var four = await SeedAsync(core, "SEV1", "checkout", At(9, 2, 1, 30), At(9, 2), At(9, 2, 3, 30),
            ("Deploy skipped the canary.", At(9, 5)),
            Item(1, At(9, 3), new DateOnly(2026, 9, 10)),
            Item(2, At(9, 3), null));

        // 5: SEV2 search, still open.
        await SeedAsync(core, "SEV2", "search", At(9, 28), null, null);

        var reviews = core.Services.GetRequiredService<IReviewStore>();
        var calendar = await reviews.LoadCalendarAsync(DateTime.MinValue, CancellationToken.None);
        var change = new StoreChange
        {
            Calendar = new CalendarWrite(calendar.Revision,
            [
                Session(At(7, 7, 16), false, one),
                Session(At(7, 28, 16), false, two),
                Session(At(8, 4, 16), true),
                Session(At(8, 18, 16), false, three),
                Session(At(9, 15, 16), false, four),
                Session(At(9, 22, 16), true),
                Session(At(10, 6, 16), true), // after today: not counted
            ], null),
        };
        await core.Services.GetRequiredService<IChangeStore>().CommitAsync(change, CancellationToken.None);

        var health = await core.SendAsync(new GetReviewHealth(Alice, Months: 3));

        // Sessions: July held 7th and 28th; August held the 18th, cancelled the 4th; September held the 15th, cancelled the 22nd.
        Assert.Equal(["Jul 2026", "Aug 2026", "Sep 2026"], health.Months.Select(m => m.Label));
        Assert.Equal([2, 1, 1], health.Months.Select(m => m.SessionsHeld));
        Assert.Equal([0, 1, 1], health.Months.Select(m => m.SessionsCancelled));

        // Docs: four incidents on agendas that froze in the quarter; 1 and 4 were written in before the freeze.
        Assert.Equal(4, health.DocsBooked);
        Assert.Equal(2, health.DocsFilled);
        Assert.Equal(0.5, health.FilledShare);

        // Follow-ups: opened July 3 (1.1, 1.2, 2.1), September 2 (4.1, 4.2); closed July 1 (1.1 on the 10th), August 1
        // (2.1 on the 5th). Overdue at July's end: none (2.1 is due the 31st, late only from 1 August; 1.2 is due 1
        // August). At August's end: 1.2. On 30 September: 1.2 and 4.1 (4.2 has no due day).
        Assert.Equal([3, 0, 2], health.Months.Select(m => m.FollowUpsOpened));
        Assert.Equal([1, 1, 0], health.Months.Select(m => m.FollowUpsClosed));
        Assert.Equal([0, 1, 2], health.Months.Select(m => m.FollowUpsOverdue));

        // Backlog at each week's end (Tuesdays from 7 July, then today): one incident waits in the weeks of 21 July
        // (2, resolved the 20th, reviewed the 28th), 11 August (3) and 8 September (4).
        Assert.Equal([0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], health.Backlog.Select(b => b.Waiting));
        Assert.Equal(new DateOnly(2026, 7, 7), health.Backlog[0].Day);
        Assert.Equal(new DateOnly(2026, 9, 30), health.Backlog[^1].Day);

        // Services: checkout 3 incidents, two factors written in two of them each; search 2, none repeated.
        Assert.Equal(["checkout 3", "search 2"], health.Services.Select(s => $"{s.Service} {s.Incidents}"));
        Assert.Equal(["Deploy skipped the canary ×2", "Retry storm ×2"], health.Services[0].RepeatFactors.Select(f => $"{f.Factor} ×{f.Incidents}"));
        Assert.Empty(health.Services[1].RepeatFactors);

        // Times by severity and the month resolved: SEV1 July 30/150, September 90/210; SEV2 July 60/180, August -/240.
        Assert.Equal(
            ["SEV1 2026-07 30/150", "SEV1 2026-09 90/210", "SEV2 2026-07 60/180", "SEV2 2026-08 -/240"],
            health.Durations.Select(d => $"{d.Severity} {d.Month:yyyy-MM} {d.DetectMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}/{d.ResolveMinutes}"));
    }
}
