using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Core.Features;

/// <summary>Facilitators hide or correct timeline entries; nothing is lost and the doc follows.</summary>
public class TimelineEditTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task HideAndCorrect_AreForFacilitators_Audited_AndTheDocFollows(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: new Dictionary<string, string?> { ["Reviews:Facilitators:0"] = "console:fran" });
        var fran = Actor.Console("fran");
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));
        var typo = await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, incident.Number, "db fialover at 14:02"));
        var noise = await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, incident.Number, "lunch?"));
        await core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "fixed"));
        await core.RunAllDueAsync();

        await Assert.ThrowsAsync<PermissionDeniedException>(() => core.SendAsync(new EditTimelineEntry(CoreHarness.Alice, incident.Number, noise.EntryId, Hidden: true)));
        await core.SendAsync(new EditTimelineEntry(fran, incident.Number, noise.EntryId, Hidden: true));
        await core.SendAsync(new EditTimelineEntry(fran, incident.Number, typo.EntryId, NewText: "db failover at 14:02"));
        core.Clock.Advance(TimeSpan.FromMinutes(1)); // the doc is regenerated once the edits settle
        await core.RunAllDueAsync();

        var asAlice = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number, IncludeHidden: true));
        var asFran = await core.SendAsync(new GetIncident(fran, incident.Number, IncludeHidden: true));
        Assert.DoesNotContain(asAlice.Timeline, e => e.Text == "lunch?");
        Assert.Contains(asFran.Timeline, e => e.Text == "lunch?" && e.Hidden);
        Assert.Contains(asAlice.Timeline, e => e.Text == "db failover at 14:02");

        var audit = await core.SendAsync(new GetTimelineEdits(fran, incident.Number));
        Assert.Equal(2, audit.Count);
        Assert.Contains(audit, a => a.OldText == "db fialover at 14:02" && a.NewText == "db failover at 14:02" && a.EditorKey == "console:fran");
        Assert.Contains(audit, a => a.EntryId == noise.EntryId && !a.OldHidden && a.NewHidden);

        var doc = await core.SendAsync(new GetReviewDoc(fran, incident.Number));
        Assert.Contains("db failover at 14:02", doc.Markdown);
        Assert.DoesNotContain("fialover", doc.Markdown);
        Assert.DoesNotContain("lunch?", doc.Markdown);
    }
}
