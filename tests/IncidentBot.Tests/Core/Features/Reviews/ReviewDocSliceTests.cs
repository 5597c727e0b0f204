using IncidentBot.Core.Access;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary>The review doc people write in: written sections kept apart from the generated parts, which follow the incident until the freeze.</summary>
public class ReviewDocSliceTests
{
    // Monday 2026-11-16 09:00 Berlin: a review resolved now is booked on Tuesday 2026-11-24 16:00 Berlin, whose agenda
    // freezes 48 h ahead, at Sunday 2026-11-22 15:00 UTC.
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AfterFreeze = new(2026, 11, 22, 15, 30, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
        ["Reviews:Meeting:DayOfWeek"] = "Tuesday",
        ["Reviews:Meeting:Time"] = "16:00",
        ["Reviews:Facilitators:0"] = "console:fran",
    };

    private static readonly Actor Fran = Actor.Console("fran");


    private static async Task<int> ResolvedAsync(CoreHarness core)
    {
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "bad deploy rolled back"));
        await core.RunAllDueAsync();
        return incident.Number;
    }

    private static async Task<IReadOnlyList<WorkItem>> PendingDocWorkAsync(CoreHarness core) =>
        (await core.Queue.ListAsync("outbox.reviews", WorkStatus.Pending, 100, CancellationToken.None)).Where(i => i.Kind == "review.doc").ToList();

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task WrittenSections_SurviveRegeneration_Reopen_AndReResolve(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));
        var number = await ResolvedAsync(core);

        await core.SendAsync(new WriteReviewSection(CoreHarness.Alice, number, "contributing-factors", "The deploy skipped the **canary**.", Append: false));
        var chat = await core.SendAsync(new RunChatCommand(CoreHarness.Alice, CommandInput.Plain($"INC-{number} review write contributing A retry storm made it worse."), new ChatLocation("console")));
        Assert.Contains("Added to \"Contributing factors\"", chat.Text);

        await core.SendAsync(new ManageReview(CoreHarness.Alice, number, ReviewAction.Doc));
        await core.SendAsync(new ReopenIncident(CoreHarness.Alice, number));
        await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, number, "errors are back"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, number, "config fixed"));
        await core.RunAllDueAsync();

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Bob, number));
        Assert.Contains("The deploy skipped the **canary**.\n\nA retry storm made it worse.", doc.Markdown);
        Assert.DoesNotContain("What made this happen", doc.Markdown);
        Assert.Contains("What went well?", doc.Markdown.Replace("_What helped us notice, respond or recover?_", "What went well?")); // an empty section keeps its prompt
        Assert.DoesNotContain("incidentbot-section", doc.Markdown);
        Assert.Contains("errors are back", doc.Markdown); // the generated parts were regenerated meanwhile
        var section = Assert.Single(doc.Sections, s => s.Name == "contributing-factors");
        Assert.Equal(["alice", "alice"], section.Edits.Select(e => e.Author.Key.Split(':')[1]));
        Assert.Equal("The deploy skipped the **canary**.", section.Edits[0].Text);
        Assert.Equal(["impact", "contributing-factors", "went-well", "was-hard", "open-questions"], doc.Sections.Select(s => s.Name));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task GeneratedParts_FollowTheIncident_Coalesced_UntilTheAgendaFreezes(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        var number = await ResolvedAsync(core);
        var generated = (await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number))).GeneratedAt;

        clock.Advance(TimeSpan.FromMinutes(5));
        await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, number, "the canary was skipped"));
        clock.Advance(TimeSpan.FromSeconds(30));
        await core.SendAsync(new AddTimelineEntry(CoreHarness.Bob, number, "rollback took 20 minutes"));
        Assert.Single(await PendingDocWorkAsync(core)); // one regeneration for the burst, not one per change

        var stale = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number));
        Assert.Equal(generated, stale.GeneratedAt);
        Assert.NotNull(stale.ChangedSince);
        Assert.StartsWith("> The incident changed after this doc was generated", stale.Markdown);
        Assert.Equal(0, await core.Work.DrainAsync(CancellationToken.None)); // not due yet

        clock.Advance(ReviewsExecutorDelay);
        await core.RunAllDueAsync();
        var fresh = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number));
        Assert.Null(fresh.ChangedSince);
        Assert.Contains("rollback took 20 minutes", fresh.Markdown);
        Assert.False(fresh.Frozen);

        clock.SetUtcNow(AfterFreeze);
        await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, number, "found a second cause"));
        clock.Advance(ReviewsExecutorDelay);
        await core.RunAllDueAsync();
        var done = await core.Queue.ListAsync("outbox.reviews", WorkStatus.Done, 100, CancellationToken.None);
        Assert.Equal("doc frozen with the agenda", done.Where(i => i.Kind == "review.doc").OrderBy(i => i.Id).Last().Result);
        var frozen = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number));
        Assert.True(frozen.Frozen);
        Assert.DoesNotContain("found a second cause", frozen.Markdown);
        Assert.NotNull(frozen.ChangedSince);

        var refused = await Assert.ThrowsAsync<PermissionDeniedException>(() => core.SendAsync(new ManageReview(CoreHarness.Alice, number, ReviewAction.Doc)));
        Assert.Equal($"Only a facilitator can regenerate the review doc of INC-{number} once its agenda is fixed.", refused.Message);
        await core.SendAsync(new ManageReview(Fran, number, ReviewAction.Doc));
        Assert.Contains("found a second cause", (await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number))).Markdown);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Sections_AreWrittenByMembersAndFacilitators_AndNamedByTheTemplate(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));
        var number = await ResolvedAsync(core);

        var outsider = await Assert.ThrowsAsync<PermissionDeniedException>(() => core.SendAsync(new WriteReviewSection(CoreHarness.Carol, number, "impact", "x", Append: true)));
        Assert.Equal($"Only members of INC-{number} or a facilitator can write in the review doc of INC-{number}.", outsider.Message);
        await core.SendAsync(new WriteReviewSection(Fran, number, "impact", "Checkout failed for 12% of EU users for 40 minutes.", Append: false));

        var unknown = await Assert.ThrowsAsync<ReviewRuleException>(() => core.SendAsync(new WriteReviewSection(CoreHarness.Alice, number, "lessons", "x", Append: true)));
        Assert.Equal("The review doc has no section 'lessons'. Its sections: impact, contributing-factors, went-well, was-hard, open-questions.", unknown.Message);
        var ambiguous = await Assert.ThrowsAsync<ReviewRuleException>(() => core.SendAsync(new WriteReviewSection(CoreHarness.Alice, number, "w", "x", Append: true)));
        Assert.StartsWith("The review doc has no section 'w'", ambiguous.Message);

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, number));
        Assert.Contains("### Impact\n\nCheckout failed for 12% of EU users for 40 minutes.\n", doc.Markdown);
        Assert.Equal("fran", Assert.Single(doc.Sections.Single(s => s.Name == "impact").Writers).Name);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ImpactStart_TooLongBeforeTheDeclare_IsRefused_AndTheDurationsCountFromImpact(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        await using var core = await CoreHarness.StartAsync(db, settings: new Dictionary<string, string?>(Settings) { ["Incidents:MaxImpactLead"] = "02:00:00" }, clock: clock);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));

        var typo = await core.SendAsync(new RunChatCommand(CoreHarness.Alice, CommandInput.Plain($"INC-{incident.Number} impact-started 1999-01-01 10:00"), new ChatLocation("console")));
        Assert.Equal(
            $"Impact starting 1999-01-01 10:00 UTC would be 10180 days before INC-{incident.Number} was declared (2026-11-16 08:00 UTC); " +
            "at most 2 hours before is accepted (Incidents:MaxImpactLead). Check the date.",
            typo.Text);
        await Assert.ThrowsAsync<IncidentRuleException>(() => core.SendAsync(new SetImpactStarted(CoreHarness.Alice, incident.Number, Monday.AddHours(-2).AddMinutes(-1))));
        await core.SendAsync(new SetImpactStarted(CoreHarness.Alice, incident.Number, Monday.AddMinutes(-90)));

        clock.Advance(TimeSpan.FromMinutes(5));
        await core.SendAsync(new AssignRole(CoreHarness.Alice, incident.Number, "commander", "console:bob", "Bob"));
        clock.Advance(TimeSpan.FromMinutes(25));
        await core.SendAsync(new ChangeStatus(CoreHarness.Bob, incident.Number, IncidentStatus.Monitoring));
        clock.Advance(TimeSpan.FromMinutes(30));
        await core.SendAsync(new ResolveIncident(CoreHarness.Bob, incident.Number, "rolled back"));
        await core.RunAllDueAsync();

        var doc = await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, incident.Number));
        Assert.Contains("From the start of impact: to detect **1h 30m** · to acknowledge **1h 35m** · to mitigate **2h** · to resolve **2h 30m**", doc.Markdown);
        Assert.Contains("| 2026-11-16 07:30 | 2026-11-16 09:00 | 2026-11-16 09:05 | 2026-11-16 09:30 | 2026-11-16 09:30 | 2026-11-16 10:00 |", doc.Markdown);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task KeyMoments_ChangesOfStateByDefault_MarkedFromChatAndTheWebRequest_AreTheDocsKeyTimeline(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var clock = new FakeTimeProvider(Monday);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: clock);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"));
        await core.SendAsync(new AssignRole(CoreHarness.Alice, incident.Number, "commander", "console:bob", "Bob"));
        var spotted = await core.SendAsync(new AddTimelineEntry(CoreHarness.Bob, incident.Number, "error rate 40% on /pay"));
        var chatter = await core.SendAsync(new AddTimelineEntry(CoreHarness.Bob, incident.Number, "anyone seen this before?"));
        await core.SendAsync(new ChangeStatus(CoreHarness.Bob, incident.Number, IncidentStatus.Identified, "bad config"));

        var chat = await core.SendAsync(new RunChatCommand(CoreHarness.Bob, CommandInput.Plain($"INC-{incident.Number} key {spotted.EntryId}"), new ChatLocation("console")));
        Assert.Equal($"Entry #{spotted.EntryId} of INC-{incident.Number} is a key moment: it goes in the review doc's key timeline.", chat.Text);
        var outsider = await Assert.ThrowsAsync<PermissionDeniedException>(() => core.SendAsync(new MarkKeyMoment(CoreHarness.Carol, incident.Number, chatter.EntryId)));
        Assert.Contains("key moments", outsider.Message);
        var details = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number));
        var statusEntry = details.Timeline.Single(e => e.Kind == IncidentBot.Core.Domain.TimelineKind.StatusChanged);
        Assert.True(statusEntry.Key);
        await core.SendAsync(new MarkKeyMoment(CoreHarness.Alice, incident.Number, statusEntry.Id)); // the web page's star toggles it off

        await core.SendAsync(new ResolveIncident(CoreHarness.Bob, incident.Number, "config rolled back"));
        await core.RunAllDueAsync();
        var doc = (await core.SendAsync(new GetReviewDoc(CoreHarness.Alice, incident.Number))).Markdown;
        var key = doc[doc.IndexOf("## Key timeline", StringComparison.Ordinal)..doc.IndexOf("## Action items", StringComparison.Ordinal)];
        Assert.Contains("error rate 40% on /pay", key);
        Assert.DoesNotContain("anyone seen this before?", key);
        Assert.DoesNotContain("Status investigating", key);
        Assert.DoesNotContain("commander", key); // role changes are in the roles section
        Assert.Contains("Resolved: config rolled back", key);
        Assert.Contains("anyone seen this before?", doc[doc.IndexOf("## Appendix", StringComparison.Ordinal)..]);
    }

    private static TimeSpan ReviewsExecutorDelay => TimeSpan.FromMinutes(1);
}
