using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary>A realistic incident, end to end on LiteDB, and its review doc as people read it (kept beside the screenshots).</summary>
public class SeededReviewDocTests
{
    [Fact]
    public async Task RealisticIncident_ReviewDoc_ReadsAsAStory()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 16, 13, 52, 0, TimeSpan.Zero));
        await using var core = await CoreHarness.StartAsync(db, settings: new Dictionary<string, string?>
        {
            ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
            ["Reviews:Meeting:DayOfWeek"] = "Tuesday",
            ["Reviews:Meeting:Time"] = "16:00",
        }, clock: clock);
        var alice = Actor.Console("alice");
        var bob = Actor.Console("bob");
        var inc = await core.SendAsync(new DeclareIncident(alice, "Checkout payments failing", "SEV2", "Card payments fail with 502 from the provider gateway.", "payments"));
        var n = inc.Number;
        await core.SendAsync(new SetImpactStarted(alice, n, new DateTimeOffset(2026, 11, 16, 13, 31, 0, TimeSpan.Zero)));
        async Task At(int minutes, Func<Task> step)
        {
            clock.Advance(TimeSpan.FromMinutes(minutes));
            await step();
        }

        await At(2, () => core.SendAsync(new AssignRole(alice, n, "commander", "console:alice", "alice")));
        AddTimelineEntryResult? spotted = null;
        await At(3, async () => spotted = await core.SendAsync(new AddTimelineEntry(bob, n, "Error rate on /pay at 38%, all card brands")));
        await At(1, () => core.SendAsync(new ChangeSeverity(alice, n, "SEV1")));
        await At(6, () => core.SendAsync(new AssignRole(alice, n, "scribe", "console:bob", "bob")));
        await At(9, () => core.SendAsync(new ChangeStatus(alice, n, IncidentStatus.Identified, "config push 1432 changed the gateway timeout")));
        await At(2, () => core.SendAsync(new AddTimelineEntry(bob, n, "Rolling back config 1432")));
        await At(12, () => core.SendAsync(new ChangeStatus(alice, n, IncidentStatus.Monitoring)));
        await At(1, () => core.SendAsync(new IncidentBot.Core.Features.ActionItems.AddActionItem(alice, n, "Alert on payment error rate above 5%", "console:bob", "bob")));
        await At(20, () => core.SendAsync(new ResolveIncident(alice, n, "Config 1432 rolled back; error rate back to 0.2%.")));
        await core.RunAllDueAsync();

        await core.SendAsync(new MarkKeyMoment(bob, n, spotted!.EntryId));
        await core.SendAsync(new WriteReviewSection(alice, n, "impact", "About 31% of card checkouts in the EU failed for 76 minutes (~4,100 orders).", Append: false));
        await core.SendAsync(new WriteReviewSection(bob, n, "contributing-factors", "- Config push 1432 lowered the gateway timeout to 2 s\n- The config pipeline has no canary stage", Append: false));
        await core.SendAsync(new WriteReviewSection(alice, n, "went-well", "The rollback took 12 minutes once the push was found.", Append: false));
        clock.Advance(TimeSpan.FromMinutes(1));
        await core.RunAllDueAsync();

        var doc = await core.SendAsync(new GetReviewDoc(alice, n));
        await File.WriteAllTextAsync(Browser.ScreenshotPath("seeded-review-doc.md"), doc.Markdown);
        Assert.Contains("From the start of impact: to detect **21m** · to acknowledge **23m** · to mitigate **56m** · to resolve **1h 17m**", doc.Markdown);
        Assert.Contains("Error rate on /pay at 38%", doc.Markdown[..doc.Markdown.IndexOf("## Action items", StringComparison.Ordinal)]);
        Assert.Contains("- Config push 1432 lowered the gateway timeout to 2 s", doc.Markdown);
    }
}
