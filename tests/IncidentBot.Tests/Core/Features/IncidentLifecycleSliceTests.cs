using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Membership;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Outbox;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Core.Features;

/// <summary>The lifecycle through the real mediator on a real database, once per provider.</summary>
public class IncidentLifecycleSliceTests
{
    private static readonly Actor Alice = CoreHarness.Alice;
    private static readonly Actor Bob = CoreHarness.Bob;
    private static readonly Actor Carol = CoreHarness.Carol;

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Lifecycle_EveryChange_IsInTheTimelineWithWhoWhenAndBeforeAfter(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db);
        var clock = core.Clock;

        var declared = await core.SendAsync(new DeclareIncident(Alice, "Checkout errors spike", "sev2", "5xx on /pay", "payments"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await core.SendAsync(new AssignRole(Alice, declared.Number, "Commander", "console:bob", "bob"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await core.SendAsync(new ChangeStatus(Bob, declared.Number, IncidentStatus.Identified, "bad deploy 1432"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await core.SendAsync(new ChangeSeverity(Bob, declared.Number, "SEV1"));
        await core.SendAsync(new PostUpdate(Bob, declared.Number, "Rolling back"));
        await core.SendAsync(new AddTimelineEntry(Carol, declared.Number, "error rate back to 0.1%"));
        await core.SendAsync(new AddActionItem(Bob, declared.Number, "Canary deploys for payments", "console:carol", "carol"));
        await core.SendAsync(new SetImpactStarted(Bob, declared.Number, clock.GetUtcNow().AddMinutes(-30)));
        clock.Advance(TimeSpan.FromMinutes(20));
        var resolved = await core.SendAsync(new ResolveIncident(Bob, declared.Number, "Rolled back deploy 1432"));

        Assert.Equal(1, declared.Number);
        Assert.Equal("SEV2", declared.Severity);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal("bob", resolved.Lead?.Name);

        var details = await core.SendAsync(new GetIncident(Alice, declared.Number));
        Assert.Equal(
            [TimelineKind.Declared, TimelineKind.RoleAssigned, TimelineKind.StatusChanged, TimelineKind.SeverityChanged, TimelineKind.Update,
             TimelineKind.Note, TimelineKind.ActionItemAdded, TimelineKind.ImpactStartedSet, TimelineKind.Resolved],
            details.Timeline.Select(t => t.Kind));
        var status = details.Timeline.Single(t => t.Kind == TimelineKind.StatusChanged);
        Assert.Equal(("investigating", "identified", "bob"), (status.Before, status.After, status.Author.Name));
        Assert.Equal(new DateTime(2026, 11, 17, 9, 2, 0, DateTimeKind.Utc), status.OccurredAt);
        var role = details.Timeline.Single(t => t.Kind == TimelineKind.RoleAssigned);
        Assert.Equal("commander assigned: nobody → bob", role.Describe());
        Assert.Equal("Rolled back deploy 1432", details.ResolutionSummary);
        Assert.Equal("carol", Assert.Single(details.ActionItems).Owner?.Name);
        Assert.Equal(["alice", "bob"], details.Members.Select(m => m.Name));
        Assert.Equal("5xx on /pay", details.Description);
        Assert.NotNull(details.ImpactStartedAt);
        Assert.Equal(DateTimeKind.Utc, details.ResolvedAt!.Value.Kind);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RuleViolation_ChangesNothing(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var executor = new RecordingExecutor();
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(executor));
        var declared = await core.SendAsync(new DeclareIncident(Alice, "Queue backlog"));
        var before = (await core.Services.GetRequiredService<ITimelineStore>().ListAsync(declared.Id, CancellationToken.None)).Count;
        var outboxBefore = (await StoreProbe.ItemsAsync(core.Services, "outbox.")).Count;

        await Assert.ThrowsAsync<IncidentRuleException>(() => core.SendAsync(new ChangeSeverity(Alice, declared.Number, "SEV9")));
        await Assert.ThrowsAsync<IncidentRuleException>(() => core.SendAsync(new ChangeStatus(Alice, declared.Number, IncidentStatus.Investigating)));
        await Assert.ThrowsAsync<IncidentRuleException>(() => core.SendAsync(new AssignRole(Alice, declared.Number, "pilot", "console:bob")));
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => core.SendAsync(new AddTimelineEntry(Alice, 999, "nope")));

        Assert.Equal(before, (await core.Services.GetRequiredService<ITimelineStore>().ListAsync(declared.Id, CancellationToken.None)).Count);
        Assert.Equal(outboxBefore, (await StoreProbe.ItemsAsync(core.Services, "outbox.")).Count);
        Assert.Equal("SEV3", declared.Severity); // the default: last but one
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ConcurrentDeclares_GetNumbersOneToHundred_WithoutDuplicatesOrGaps(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);

        // On PostgreSQL two separately built service providers are two replicas; LiteDB allows one process.
        await using var first = await CoreHarness.StartAsync(db);
        await using var second = provider == "Postgres" ? await CoreHarness.StartAsync(db) : null;

        var declares = Enumerable.Range(0, 100).Select(i =>
        {
            var core = i % 2 == 0 || second is null ? first : second;
            return Task.Run(() => core.SendAsync(new DeclareIncident(Actor.Console($"user{i % 7}"), $"Incident {i}")));
        });
        // Racing declares may conflict; the losers retry after a pause on the clock, so time has to pass.
        var results = await first.Clock.LetTimePassUntilDoneAsync(Task.WhenAll(declares));

        Assert.Equal(Enumerable.Range(1, 100), results.Select(r => r.Number).Order());
        var stored = await first.Incidents.ListAsync(new IncidentQuery("test", SeesEverything: true, Take: 500), CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 100), stored.Items.Select(i => i.Number).Order());
        var next = await first.SendAsync(new DeclareIncident(Alice, "One more"));
        Assert.Equal(101, next.Number);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task PrivateIncident_IsSeenOnlyByMembersAndFacilitators(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: new Dictionary<string, string?> { ["Reviews:Facilitators:0"] = "console:fran" });
        var secret = await core.SendAsync(new DeclareIncident(Alice, "Credential leak", IsPrivate: true));
        var open = await core.SendAsync(new DeclareIncident(Alice, "Slow search"));

        Assert.Equal([open.Number], (await core.SendAsync(new ListOpenIncidents(Bob))).Items.Select(i => i.Number));
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => core.SendAsync(new GetIncident(Bob, secret.Number)));
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => core.SendAsync(new AddTimelineEntry(Bob, secret.Number, "peek")));
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => core.SendAsync(new MarkDuplicate(Bob, open.Number, secret.Number)));

        Assert.Equal(2, (await core.SendAsync(new ListOpenIncidents(Alice))).Total);
        Assert.Equal(2, (await core.SendAsync(new ListOpenIncidents(Actor.Console("fran")))).Total);

        // Joining the channel makes Bob a member; leaving it ends that.
        await core.SendAsync(new ChangeMembership(Alice, secret.Number, "console:bob", Join: true));
        Assert.Equal("Credential leak", (await core.SendAsync(new GetIncident(Bob, secret.Number))).Summary.Title);
        await core.SendAsync(new ChangeMembership(Alice, secret.Number, "console:bob", Join: false));
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => core.SendAsync(new GetIncident(Bob, secret.Number)));

        // A role makes Carol a member for good.
        await core.SendAsync(new AssignRole(Alice, secret.Number, "scribe", "console:carol"));
        Assert.Contains((await core.SendAsync(new ListOpenIncidents(Carol))).Items, i => i.Number == secret.Number);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Capture_SameMessageTwice_IsStoredOnce_EvenWhenRacing(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db);
        var incident = await core.SendAsync(new DeclareIncident(Alice, "DNS failures"));
        var said = core.Clock.GetUtcNow().AddMinutes(-3);

        var first = await core.SendAsync(new AddTimelineEntry(Alice, incident.Number, "resolver timeouts in eu-west", "slack:C1:1712345678.000100", "slack:U2", "dana", said, "https://example.slack.com/archives/C1/p1712345678000100"));
        var again = await core.SendAsync(new AddTimelineEntry(Bob, incident.Number, "resolver timeouts in eu-west", "slack:C1:1712345678.000100", "slack:U2", "dana", said));
        var racing = await core.Clock.LetTimePassUntilDoneAsync(Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            core.SendAsync(new AddTimelineEntry(Bob, incident.Number, "graph", "slack:C1:1712345999.000200", "slack:U2", "dana", said))))));

        Assert.False(first.AlreadyCaptured);
        Assert.True(again.AlreadyCaptured);
        Assert.Equal(first.EntryId, again.EntryId);
        Assert.Single(racing, r => !r.AlreadyCaptured);
        Assert.Single(racing.Select(r => r.EntryId).Distinct());
        var details = await core.SendAsync(new GetIncident(Alice, incident.Number));
        var captured = details.Timeline.Where(t => t.Kind == TimelineKind.Captured).ToList();
        Assert.Equal(2, captured.Count);
        Assert.Equal("dana", captured[0].Author.Name);
        Assert.Equal(said.UtcDateTime, captured[0].OccurredAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal("https://example.slack.com/archives/C1/p1712345678000100", captured[0].Link);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Duplicate_JoinsTimelineIntoTheOther_AndCanBeReopened(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db);
        var original = await core.SendAsync(new DeclareIncident(Alice, "Payments down", "SEV1"));
        var dup = await core.SendAsync(new DeclareIncident(Bob, "Checkout failing"));
        await core.SendAsync(new AddTimelineEntry(Bob, dup.Number, "customers report card declines"));

        var marked = await core.SendAsync(new MarkDuplicate(Bob, dup.Number, original.Number));

        Assert.Equal(IncidentStatus.Duplicate, marked.Status);
        var target = await core.SendAsync(new GetIncident(Alice, original.Number));
        Assert.Contains(target.Timeline, t => t.MergedFromNumber == dup.Number && t.Text == "customers report card declines");
        Assert.Contains(target.Timeline, t => t.Kind == TimelineKind.DuplicateMerged);
        Assert.DoesNotContain((await core.SendAsync(new ListOpenIncidents(Alice))).Items, i => i.Number == dup.Number);

        var reopened = await core.SendAsync(new ReopenIncident(Bob, dup.Number));
        Assert.Equal(IncidentStatus.Investigating, reopened.Status);
        Assert.Null((await core.SendAsync(new GetIncident(Bob, dup.Number))).DuplicateOfNumber);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Cancel_ClosesWithReason_AndListHidesIt(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db);
        var incident = await core.SendAsync(new DeclareIncident(Alice, "Disk alarm"));

        await core.SendAsync(new CancelIncident(Alice, incident.Number, "false alarm: test host"));

        Assert.Empty((await core.SendAsync(new ListOpenIncidents(Alice))).Items);
        var all = await core.SendAsync(new FindIncidents(Alice, new IncidentFilter()));
        Assert.Equal(IncidentStatus.Cancelled, Assert.Single(all.Items).Status);
        Assert.Equal("false alarm: test host", (await core.SendAsync(new GetIncident(Alice, incident.Number))).CancelReason);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ConcurrentHandovers_AllApply_InSomeOrder(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: new Dictionary<string, string?> { ["Reviews:Facilitators:0"] = "console:fran" });
        var incident = await core.SendAsync(new DeclareIncident(Alice, "Thundering herd"));

        // A facilitator may hand the role over whoever holds it. The losers of each race retry after a pause on the
        // clock, so time has to pass.
        await core.Clock.LetTimePassUntilDoneAsync(Task.WhenAll(Enumerable.Range(1, 5).Select(i => Task.Run(() =>
            core.SendAsync(new AssignRole(Actor.Console("fran"), incident.Number, "commander", $"console:ic{i}"))))));

        var details = await core.SendAsync(new GetIncident(Alice, incident.Number));
        Assert.Equal(5, details.RoleHistory.Count);
        Assert.Equal(4, details.RoleHistory.Count(r => r.To is not null));
        Assert.Equal(5, details.Timeline.Count(t => t.Kind == TimelineKind.RoleAssigned));
        Assert.Equal(details.RoleHistory.Single(r => r.To is null).Holder.Key, Assert.Single(details.Roles).Holder.Key);
    }
}
