using IncidentBot.Core.Access;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary>The review meeting: who presents and takes notes, what the agenda says, and incidents that come back.</summary>
public class ReviewMeetingSliceTests
{
    // Monday 2026-11-16 09:00 Berlin: a review resolved now is booked on Tuesday 2026-11-24 16:00 Berlin, whose agenda
    // freezes 48 h ahead, at Sunday 2026-11-22 15:00 UTC.
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Nov24 = new(2026, 11, 24, 15, 0, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
        ["Reviews:Meeting:DayOfWeek"] = "Tuesday",
        ["Reviews:Meeting:Time"] = "16:00",
        ["Reviews:Facilitators:0"] = "console:fran",
    };

    private static readonly Actor Fran = Actor.Console("fran");


    private static async Task<IReadOnlyList<int>> AgendaAsync(CoreHarness core, DateTime start) =>
        (await core.SendAsync(new ListReviewSessions(Fran))).Single(s => s.StartUtc == start).Items.Select(i => i.Number).ToList();

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ResolvingAgainAfterAReopen_KeepsTheFirstSummary(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "bad deploy rolled back"));
        await core.RunAllDueAsync();

        await core.SendAsync(new ReopenIncident(Fran, incident.Number));
        await core.SendAsync(new ResolveIncident(Fran, incident.Number, "config fixed too"));
        await core.RunAllDueAsync();

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, incident.Number));
        Assert.Contains("bad deploy rolled back", doc.Markdown.Split("## Key times")[0]);
        Assert.Contains("config fixed too", doc.Markdown.Split("## Key times")[0]);
        Assert.True(doc.Markdown.IndexOf("bad deploy rolled back", StringComparison.Ordinal) < doc.Markdown.IndexOf("config fixed too", StringComparison.Ordinal));
        var details = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number));
        Assert.Equal(["bad deploy rolled back", "config fixed too"], details.Resolutions.Select(r => r.Summary));
        Assert.Equal(["alice", "fran"], details.Resolutions.Select(r => r.By.Key.Split(':')[1]));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AReopenedIncident_LeavesANotYetFrozenAgenda_FacilitatorsAreTold_AndResolvingBooksItAgain(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var recorder = new RecordingExecutor("chat");
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(recorder), Settings, new FakeTimeProvider(Monday));
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await core.RunAllDueAsync();
        Assert.Equal([incident.Number], await AgendaAsync(core, Nov24));

        await core.SendAsync(new ReopenIncident(CoreHarness.Alice, incident.Number));
        await core.RunAllDueAsync();

        Assert.Empty(await AgendaAsync(core, Nov24));
        Assert.Contains(recorder.Ran.OfType<PostToReviewsChannel>(), p =>
            p.Text == $"INC-{incident.Number} was reopened: it is off the review agenda of Tuesday 2026-11-24 16:00 Europe/Berlin until it is resolved again.");
        var show = await core.SendAsync(new ManageReview(CoreHarness.Alice, incident.Number, ReviewAction.Show));
        Assert.Equal($"INC-{incident.Number} is investigating; its review is booked when it is resolved.", show);

        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "really fixed"));
        await core.RunAllDueAsync();
        Assert.Equal([incident.Number], await AgendaAsync(core, Nov24));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AReopenedIncident_StaysOnAFrozenAgenda(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await core.RunAllDueAsync();

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 22, 15, 30, 0, TimeSpan.Zero));
        await core.SendAsync(new ReopenIncident(CoreHarness.Alice, incident.Number));
        await core.RunAllDueAsync();

        Assert.Equal([incident.Number], await AgendaAsync(core, Nov24)); // the agenda went out: the meeting discusses it as planned
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task MeetingNotesAndDecisions_FromTheNotetakerAndFromChat_LandInTheFrozenDoc(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await core.RunAllDueAsync();
        var nora = Actor.Console("nora");
        await core.SendAsync(new ManageReview(Fran, incident.Number, ReviewAction.Notetaker, PersonKey: nora.PersonKey, PersonName: "nora"));

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 15, 10, 0, TimeSpan.Zero)); // in the meeting: the doc is frozen
        Assert.Equal($"Note recorded in INC-{incident.Number}'s review doc (1 so far).",
            await core.SendAsync(new RecordReviewNote(nora, incident.Number, "The canary did not cover config pushes.")));
        var chat = await core.SendAsync(new RunChatCommand(Fran, CommandInput.Plain($"INC-{incident.Number} review decision Config pushes go through the canary."), new ChatLocation("console")));
        Assert.Equal($"Decision recorded in INC-{incident.Number}'s review doc (2 so far).", chat.Text);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => core.SendAsync(new RecordReviewNote(CoreHarness.Bob, incident.Number, "not the notetaker")));
        var empty = await core.SendAsync(new RunChatCommand(Fran, CommandInput.Plain($"INC-{incident.Number} review note"), new ChatLocation("console")));
        Assert.StartsWith("Which note?", empty.Text);

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, incident.Number));
        Assert.True(doc.Frozen);
        var notes = doc.Markdown.Split("## Meeting notes")[1];
        Assert.Contains("- The canary did not cover config pushes\\. _(nora, 2026-11-24 15:10 UTC)_", notes); // plain text: punctuation escaped
        Assert.Contains("- **Decision:** Config pushes go through the canary\\. _(fran, 2026-11-24 15:10 UTC)_", notes);
        Assert.DoesNotContain("not the notetaker", doc.Markdown);
        var details = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number));
        Assert.Equal([false, true], details.ReviewNotes.Select(n => n.Decision));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Agenda_ShowsReadiness_SectionsFilledAndPresenterConfirmed_InChatAndCalendar(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await core.RunAllDueAsync();
        await core.SendAsync(new ManageReview(Fran, incident.Number, ReviewAction.Presenter, PersonKey: CoreHarness.Alice.PersonKey, PersonName: "alice"));

        var before = Assert.Single((await core.SendAsync(new ListReviewSessions(Fran))).Single(s => s.StartUtc == Nov24).Items);
        Assert.Equal(new ReviewReadiness(0, 5, false), before.Readiness);

        await Assert.ThrowsAsync<ReviewRuleException>(() => core.SendAsync(new ManageReview(CoreHarness.Bob, incident.Number, ReviewAction.Present)));
        Assert.Contains("confirmed", await core.SendAsync(new ManageReview(CoreHarness.Alice, incident.Number, ReviewAction.Present)));
        await core.SendAsync(new WriteReviewSection(CoreHarness.Alice, incident.Number, "impact", "Checkout failed for 12 minutes.", Append: false));

        var after = Assert.Single((await core.SendAsync(new ListReviewSessions(Fran))).Single(s => s.StartUtc == Nov24).Items);
        Assert.Equal(new ReviewReadiness(1, 5, true), after.Readiness);
        var sessions = await core.SendAsync(new ManageReview(Fran, null, ReviewAction.Sessions));
        Assert.Contains($"INC-{incident.Number} · SEV2 · Checkout errors — doc 1/5 sections filled · presenter confirmed", sessions);
        var calendar = Ical.Net.Calendar.Load(await core.SendAsync(new GetReviewCalendar(Fran)))!;
        Assert.Contains(calendar.Events, e => e.Description!.Contains("Ready: doc 1/5 sections filled · presenter confirmed", StringComparison.Ordinal));

        // A new presenter has not confirmed yet.
        await core.SendAsync(new ManageReview(Fran, incident.Number, ReviewAction.Presenter, PersonKey: CoreHarness.Bob.PersonKey, PersonName: "bob"));
        var handedOver = Assert.Single((await core.SendAsync(new ListReviewSessions(Fran))).Single(s => s.StartUtc == Nov24).Items);
        Assert.False(handedOver.Readiness.PresenterConfirmed);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Presenter_IsRemindedOnce_PresenterReminderHoursBeforeTheFreeze_OnlyWhileSectionsAreEmpty(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        var recorder = new RecordingExecutor("chat");
        var settings = new Dictionary<string, string?>(Settings) { ["Reviews:PresenterReminderHours"] = "24" };
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(recorder), settings, clock);
        var empty = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        var filled = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Search slow", "SEV2"));
        foreach (var number in new[] { empty.Number, filled.Number })
        {
            await core.SendAsync(new ResolveIncident(CoreHarness.Alice, number, "rolled back"));
            await core.RunAllDueAsync();
            await core.SendAsync(new ManageReview(Fran, number, ReviewAction.Presenter, PersonKey: CoreHarness.Alice.PersonKey, PersonName: "alice"));
        }

        foreach (var section in new[] { "impact", "contributing-factors", "went-well", "was-hard", "open-questions" })
        {
            await core.SendAsync(new WriteReviewSection(CoreHarness.Alice, filled.Number, section, "written", Append: false));
        }

        List<PostToIncident> Reminders() => recorder.Ran.OfType<PostToIncident>().Where(p => p.Text.StartsWith("Reminder for", StringComparison.Ordinal)).ToList();

        // Both are on Tuesday 2026-11-24 16:00 Berlin (15:00 UTC); its agenda freezes 48 h ahead, so the reminder is due at Sat 21 15:00 UTC.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 21, 14, 59, 0, TimeSpan.Zero));
        await core.RunAllDueAsync();
        Assert.Empty(Reminders());

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 21, 15, 0, 30, TimeSpan.Zero));
        await core.RunAllDueAsync();
        var reminder = Assert.Single(Reminders());
        Assert.Equal(empty.Id, reminder.IncidentId);
        Assert.StartsWith($"Reminder for alice, presenting INC-{empty.Number} at the review on Tuesday 2026-11-24 16:00 Europe/Berlin: the doc has 0 of 5 sections filled, and its agenda is fixed at 2026-11-22 15:00 UTC.", reminder.Text);

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
        await core.RunAllDueAsync();
        Assert.Single(Reminders());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task CalendarFeed_InvitesTheSponsorAndAttendeesWithAnAddress(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Reviews:Sponsor"] = "Vera Sponsor <vera@example.com>",
            ["Reviews:Attendees:0"] = "sre-leads@example.com",
            ["Reviews:Attendees:1"] = "console:nora", // a chat person: no address to invite
        };
        await using var core = await CoreHarness.StartAsync(db, settings: settings, clock: new FakeTimeProvider(Monday));
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "rolled back"));
        await core.RunAllDueAsync();

        var calendar = Ical.Net.Calendar.Load(await core.SendAsync(new GetReviewCalendar(Fran)))!;

        Assert.All(calendar.Events, e => Assert.Equal(
            ["mailto:vera@example.com Vera Sponsor", "mailto:sre-leads@example.com "],
            e.Attendees.Select(a => $"{a.Value!.OriginalString} {a.CommonName}")));
    }
}
