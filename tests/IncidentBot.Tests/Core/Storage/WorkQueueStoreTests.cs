using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The work queue's rules (see <see cref="WorkItem"/>), the same assertions on each adapter.</summary>
public class WorkQueueStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Accept_SameUniqueKey_IsDropped_EvenAfterTheFirstIsDone(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);

        Assert.True(await s.Store.Queue.AcceptAsync(Work("first", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
        Assert.False(await s.Store.Queue.AcceptAsync(Work("again", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
        Assert.True(await s.Store.Queue.AcceptAsync(Work("other", "C1", s.Now, uniqueKey: "slack:Ev02"), None));
        Assert.Equal(new[] { "first", "other" }, Names(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None)));

        var claimed = Assert.Single(await ClaimAsync(s));
        Assert.Equal("first", claimed.Payload);
        await CompleteAsync(s.Store, claimed);
        Assert.Equal(WorkStatus.Done, (await FindWorkAsync(s.Store, claimed.Id)).Status);

        Assert.False(await s.Store.Queue.AcceptAsync(Work("after done", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
        Assert.Equal(new[] { "other" }, Names(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Accept_SameUniqueKey_IsDropped_AfterARestart_AndInOneBatch_ButTakenAgainOncePurged(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        Assert.True(await s.Store.Queue.AcceptAsync(Work("first", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
        await s.ReopenAsync();

        Assert.False(await s.Store.Queue.AcceptAsync(Work("after restart", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
        var together = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => s.Store.Queue.AcceptAsync(Work($"twin {i}", "C2", s.Now, uniqueKey: "slack:Ev02"), None))));
        Assert.Single(together, accepted => accepted);

        foreach (var item in await ClaimAsync(s, max: 10))
        {
            await CompleteAsync(s.Store, item);
        }

        Assert.Equal(2, await s.Store.Queue.PurgeAsync(s.Now.AddMinutes(1), None));
        Assert.True(await s.Store.Queue.AcceptAsync(Work("after purge", "C1", s.Now, uniqueKey: "slack:Ev01"), None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Accept_StoresEveryField(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var item = new WorkItem
        {
            Topic = "inbox.slack", Key = "slack:C0CHAN", Kind = "command", Payload = "{\"text\":\"/incident status\"}",
            UniqueKey = "slack:Ev77", IncidentId = incident.Id, CreatedAt = s.Now.AddSeconds(-5), DueAt = s.Now,
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };

        Assert.True(await s.Store.Queue.AcceptAsync(item, None));

        var listed = Assert.Single(await s.Store.Queue.ListAsync("inbox.slack", WorkStatus.Pending, 10, None));
        var found = await FindWorkAsync(s.Store, listed.Id);
        Assert.Equal(("inbox.slack", "slack:C0CHAN", "command", item.Payload, "slack:Ev77", (long?)incident.Id),
            (found.Topic, found.Key, found.Kind, found.Payload, found.UniqueKey, found.IncidentId));
        Assert.Equal(item.TraceParent, found.TraceParent);
        Assert.Equal((WorkStatus.Pending, 0, false, (string?)null, (string?)null, (string?)null),
            (found.Status, found.Attempts, found.HoldsKey, found.LastError, found.Result, found.LeaseOwner));
        AssertUtc(s.Now.AddSeconds(-5), found.CreatedAt, nameof(WorkItem.CreatedAt));
        AssertUtc(s.Now, found.DueAt, nameof(WorkItem.DueAt));
        Assert.Null(found.CompletedAt);
        Assert.Empty(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 10, None));
        Assert.Single(await s.Store.Queue.ListAsync(null, WorkStatus.Pending, 10, None));
        Assert.Null(await s.Store.Queue.FindAsync(found.Id + 1000, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Accept_WithALease_IsClaimedByItsCaller(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var item = Work("handled inline", "C1", s.Now);
        item.LeaseOwner = "web-1";
        item.LeaseUntil = s.Now.Add(Lease);
        item.Attempts = 1;

        Assert.True(await s.Store.Queue.AcceptAsync(item, None));

        Assert.NotEqual(0, item.Id);
        Assert.Empty(await ClaimAsync(s, "worker"));
        await CompleteAsync(s.Store, item, "web-1", "ok");
        var done = await FindWorkAsync(s.Store, item.Id);
        Assert.Equal((WorkStatus.Done, "ok", 1), (done.Status, done.Result, done.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_SameKey_RunsOneAtATimeInOrder(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now), Work("A3", "A", s.Now));

        var first = Assert.Single(await ClaimAsync(s));
        Assert.Equal("A1", first.Payload);
        Assert.Equal(1, first.Attempts);
        Assert.Empty(await ClaimAsync(s)); // A1 runs: A2 waits

        await CompleteAsync(s.Store, first);
        var second = Assert.Single(await ClaimAsync(s));
        Assert.Equal("A2", second.Payload);
        await CompleteAsync(s.Store, second);
        Assert.Equal("A3", Assert.Single(await ClaimAsync(s)).Payload);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_TakesOneItemPerKey_WhileOtherKeysAndKeylessItemsProceed(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store,
            Work("A1", "A", s.Now), Work("A2", "A", s.Now), Work("B1", "B", s.Now), Work("B2", "B", s.Now),
            Work("C1", "C", s.Now), Work("N1", null, s.Now), Work("N2", null, s.Now),
            Work("other topic", "A", s.Now, topic: "outbox.elsewhere"));

        var claimed = await ClaimAsync(s, max: 10);

        Assert.Equal(new[] { "A1", "B1", "C1", "N1", "N2" }, Names(claimed));
        Assert.All(claimed, i => Assert.Equal(("owner-1", Topic), (i.LeaseOwner, i.Topic)));
        Assert.All(claimed, i => AssertUtc(s.Now.Add(Lease), i.LeaseUntil, $"{i.Payload}'s LeaseUntil"));
        Assert.Empty(await ClaimAsync(s, "owner-2", max: 10));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_RespectsMax_AndTakesKeysInTheOrderTheirHeadFellDue(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await AcceptAllAsync(s.Store,
            Work("C1", "C", t0, dueAt: t0.AddMinutes(-1)),
            Work("A1", "A", t0, dueAt: t0.AddMinutes(-3)),
            Work("B1", "B", t0, dueAt: t0.AddMinutes(-2)));

        Assert.Equal(new[] { "A1" }, (await ClaimAsync(s, max: 1)).Select(i => i.Payload));
        Assert.Equal(new[] { "B1", "C1" }, Names(await ClaimAsync(s, max: 2)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_ItemDueLater_DoesNotBlockItsKey(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store,
            Work("archive in 7 days", "incident:1", s.Now, dueAt: s.Now.AddDays(7), uniqueKey: "archive:1", kind: "archive"),
            Work("card refresh", "incident:1", s.Now));

        var now = Assert.Single(await ClaimAsync(s));
        Assert.Equal("card refresh", now.Payload);
        await CompleteAsync(s.Store, now);
        Assert.Empty(await ClaimAsync(s));

        s.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal("archive in 7 days", Assert.Single(await ClaimAsync(s)).Payload);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_LanesWaitForTheirFamilysWhole_AndTheWholeForItsLanes_ButLanesNotForEachOther(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store,
            Work("make channel", "incident:1/*", s.Now),
            Work("invite", "incident:1/members", s.Now),
            Work("card", "incident:1/posts", s.Now),
            Work("update", "incident:1/posts", s.Now),
            Work("archive", "incident:1/*", s.Now),
            Work("late post", "incident:1/posts", s.Now),
            Work("other incident's card", "incident:2/posts", s.Now));

        var first = await ClaimAsync(s);
        Assert.Equal(new[] { "make channel", "other incident's card" }, Names(first));
        Assert.Empty(await ClaimAsync(s)); // nothing goes into the channel while it is being made
        await CompleteAsync(s.Store, first.Single(i => i.Payload == "make channel"));

        var lanes = await ClaimAsync(s);
        Assert.Equal(new[] { "card", "invite" }, Names(lanes));
        await CompleteAsync(s.Store, lanes.Single(i => i.Payload == "card"));

        // The invite is still running: the posts go on, the archive waits for both lanes.
        var update = Assert.Single(await ClaimAsync(s));
        Assert.Equal("update", update.Payload);
        await CompleteAsync(s.Store, update);
        Assert.Empty(await ClaimAsync(s));
        await CompleteAsync(s.Store, lanes.Single(i => i.Payload == "invite"));

        var archive = Assert.Single(await ClaimAsync(s));
        Assert.Equal("archive", archive.Payload);
        Assert.Empty(await ClaimAsync(s));
        await CompleteAsync(s.Store, archive);
        Assert.Equal("late post", Assert.Single(await ClaimAsync(s)).Payload);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_LaneWaitsForTheWholeHoldingItsKey_NotForTheWholeDueLater_NorForItemsQueuedBeforeLanesOnceDone(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store,
            Work("queued before lanes", "incident:1", s.Now),
            Work("archive in 7 days", "incident:1/*", s.Now, dueAt: s.Now.AddDays(7)),
            Work("card", "incident:1/posts", s.Now));

        // An item written under the bare family name counts as the whole.
        var before = Assert.Single(await ClaimAsync(s));
        Assert.Equal("queued before lanes", before.Payload);
        await CompleteAsync(s.Store, before);

        var card = Assert.Single(await ClaimAsync(s));
        Assert.Equal("card", card.Payload);
        await CompleteAsync(s.Store, card);

        // A whole that is rate limited holds its family's lanes.
        await AcceptAllAsync(s.Store, Work("make channel", "incident:2/*", s.Now), Work("card 2", "incident:2/posts", s.Now));
        var make = Assert.Single(await ClaimAsync(s));
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(make.Id, "owner-1", s.Now.AddSeconds(30), "ratelimited", HoldsKey: true, CountsAsAttempt: false), None));
        Assert.Empty(await ClaimAsync(s));
        s.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("make channel", Assert.Single(await ClaimAsync(s)).Payload);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Retry_FailedItemLater_LetsTheNextItemOfItsKeyRun(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now));
        var a1 = Assert.Single(await ClaimAsync(s));

        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(a1.Id, "owner-1", s.Now.AddMinutes(5), "HTTP 500 from Slack"), None));

        var retried = await FindWorkAsync(s.Store, a1.Id);
        Assert.Equal((WorkStatus.Pending, 1, "HTTP 500 from Slack", false), (retried.Status, retried.Attempts, retried.LastError, retried.HoldsKey));
        AssertUtc(s.Now.AddMinutes(5), retried.DueAt, nameof(WorkItem.DueAt));
        var a2 = Assert.Single(await ClaimAsync(s));
        Assert.Equal("A2", a2.Payload);
        await CompleteAsync(s.Store, a2);
        Assert.Empty(await ClaimAsync(s)); // A1 is not due yet

        s.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = Assert.Single(await ClaimAsync(s));
        Assert.Equal(("A1", 2), (again.Payload, again.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Retry_RateLimited_HoldsItsKeyUntilDue(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now), Work("B1", "B", s.Now), Work("B2", "B", s.Now));
        var claimed = await ClaimAsync(s);
        Assert.Equal(new[] { "A1", "B1" }, Names(claimed));
        var a1 = claimed.Single(i => i.Payload == "A1");
        await CompleteAsync(s.Store, claimed.Single(i => i.Payload == "B1"));

        Assert.True(await s.Store.Queue.RetryAsync(
            new WorkRetry(a1.Id, "owner-1", s.Now.AddSeconds(30), "429 Retry-After 30", HoldsKey: true, CountsAsAttempt: false), None));

        var held = await FindWorkAsync(s.Store, a1.Id);
        Assert.Equal((WorkStatus.Pending, true, 0), (held.Status, held.HoldsKey, held.Attempts));
        Assert.Equal(new[] { "B2" }, Names(await ClaimAsync(s))); // the throttled key waits; the others do not
        s.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await ClaimAsync(s));

        s.Clock.Advance(TimeSpan.FromSeconds(1));
        var again = Assert.Single(await ClaimAsync(s));
        Assert.Equal(("A1", 1), (again.Payload, again.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Retry_NotCountingAsAttempt_GivesTheClaimsAttemptBack(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now));

        var first = Assert.Single(await ClaimAsync(s));
        Assert.Equal(1, first.Attempts);
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(first.Id, "owner-1", s.Now, "shutting down", CountsAsAttempt: false), None));
        Assert.Equal(0, (await FindWorkAsync(s.Store, first.Id)).Attempts);

        var second = Assert.Single(await ClaimAsync(s));
        Assert.Equal(1, second.Attempts);
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(second.Id, "owner-1", s.Now, "failed"), None));
        Assert.Equal(1, (await FindWorkAsync(s.Store, first.Id)).Attempts);
        Assert.Equal(2, Assert.Single(await ClaimAsync(s)).Attempts);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Retry_Park_ParksTheItem_FreesItsKey_CountsInHealth_AndRetryParkedBringsItBack(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now));
        var a1 = Assert.Single(await ClaimAsync(s));

        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(a1.Id, "owner-1", s.Now.AddHours(1), "budget spent", Park: true), None));

        var parked = await FindWorkAsync(s.Store, a1.Id);
        Assert.Equal((WorkStatus.Parked, "budget spent"), (parked.Status, parked.LastError));
        Assert.Equal(1, (await s.Store.Queue.HealthAsync(s.Now, None)).Parked);
        Assert.Equal(new[] { a1.Id }, (await s.Store.Queue.ListAsync(Topic, WorkStatus.Parked, 10, None)).Select(i => i.Id));
        var a2 = Assert.Single(await ClaimAsync(s));
        Assert.Equal("A2", a2.Payload); // the parked item does not hold its key
        await CompleteAsync(s.Store, a2);
        s.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await ClaimAsync(s)); // parked items are never claimed, however late

        Assert.True(await s.Store.Queue.RetryParkedAsync(a1.Id, s.Now, None));

        var back = await FindWorkAsync(s.Store, a1.Id);
        Assert.Equal((WorkStatus.Pending, 0), (back.Status, back.Attempts));
        AssertUtc(s.Now, back.DueAt, nameof(WorkItem.DueAt));
        Assert.Equal(0, (await s.Store.Queue.HealthAsync(s.Now, None)).Parked);
        Assert.False(await s.Store.Queue.RetryParkedAsync(a1.Id, s.Now, None)); // not parked any more
        var reclaimed = Assert.Single(await ClaimAsync(s));
        Assert.Equal(("A1", 1), (reclaimed.Payload, reclaimed.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task DiscardParked_CancelsOnlyAParkedItem_ClearsHealth_AndIsPurgedLikeOtherSettledItems(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await AcceptAllAsync(s.Store, Work("poison", "A", t0), Work("pending", "B", t0, dueAt: t0.AddHours(1)));
        var poison = Assert.Single(await ClaimAsync(s));
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(poison.Id, "owner-1", t0, "channel_not_found", Park: true), None));
        var pending = Assert.Single(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 10, None));
        Assert.False(await s.Store.Queue.DiscardParkedAsync(pending.Id, t0, None)); // only parked items
        Assert.False(await s.Store.Queue.DiscardParkedAsync(poison.Id + 1000, t0, None));
        s.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await s.Store.Queue.DiscardParkedAsync(poison.Id, s.Now, None));

        var discarded = await FindWorkAsync(s.Store, poison.Id);
        Assert.Equal((WorkStatus.Cancelled, "channel_not_found", 1), (discarded.Status, discarded.LastError, discarded.Attempts));
        AssertUtc(s.Now, discarded.CompletedAt, nameof(WorkItem.CompletedAt));
        Assert.Equal(0, (await s.Store.Queue.HealthAsync(s.Now, None)).Parked);
        Assert.Empty(await s.Store.Queue.ListAsync(Topic, WorkStatus.Parked, 10, None));
        Assert.False(await s.Store.Queue.DiscardParkedAsync(poison.Id, s.Now, None)); // not parked any more
        Assert.False(await s.Store.Queue.RetryParkedAsync(poison.Id, s.Now, None));
        Assert.Equal(WorkStatus.Pending, (await FindWorkAsync(s.Store, pending.Id)).Status);
        s.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(new[] { "pending" }, Names(await ClaimAsync(s))); // a discarded item never runs

        Assert.Equal(0, await s.Store.Queue.PurgeAsync(s.Now.AddHours(-2), None));
        Assert.Equal(1, await s.Store.Queue.PurgeAsync(s.Now, None));
        Assert.Null(await s.Store.Queue.FindAsync(poison.Id, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Health_CountsParkedAndDueNow_WithTheOldestDue(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await AcceptAllAsync(s.Store, Work("to park", "P", t0));
        var toPark = Assert.Single(await ClaimAsync(s));
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(toPark.Id, "owner-1", t0.AddHours(2), "gave up", Park: true), None));
        await AcceptAllAsync(s.Store,
            Work("old", "A", t0, dueAt: t0.AddMinutes(-10)),
            Work("fresh", "B", t0, dueAt: t0),
            Work("later", "C", t0, dueAt: t0.AddHours(1)));

        var health = await s.Store.Queue.HealthAsync(t0, None);
        Assert.Equal(1, health.Parked);
        Assert.Equal(2, health.DueNow);
        AssertUtc(t0.AddMinutes(-10), health.OldestDueAt, nameof(QueueHealth.OldestDueAt));
        var later = await s.Store.Queue.HealthAsync(t0.AddHours(1), None);
        Assert.Equal(3, later.DueNow);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_RunningItem_BlocksItsKeyForOtherOwners(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now));
        var a1 = Assert.Single(await ClaimAsync(s, "owner-1"));
        Assert.Equal("A1", a1.Payload);

        Assert.Empty(await ClaimAsync(s, "owner-2"));
        Assert.Empty(await ClaimAsync(s, "owner-1"));
        s.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await ClaimAsync(s, "owner-2"));
        var running = await FindWorkAsync(s.Store, a1.Id);
        Assert.Equal("owner-1", running.LeaseOwner);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Lease_Expired_AnotherOwnerClaimsIt_AndTheFirstOwnerHasLostIt(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now));
        var first = Assert.Single(await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30)));

        s.Clock.Advance(TimeSpan.FromSeconds(31));
        var stolen = Assert.Single(await ClaimAsync(s, "owner-2", lease: TimeSpan.FromSeconds(30)));

        Assert.Equal((first.Id, "A1", 2, "owner-2"), (stolen.Id, stolen.Payload, stolen.Attempts, stolen.LeaseOwner));
        var late = new StoreChange { Completes = new WorkCompletion(first.Id, "owner-1", "late") };
        late.People.Add(new Person { Key = "console:late", DisplayName = "Late", UpdatedAt = s.Now });
        late.Enqueued.Add(Work("follow-up of the late run", "B", s.Now));
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => s.Store.Changes.CommitAsync(late, None));
        Assert.Equal(StoreConflictKind.LeaseLost, conflict.Kind);
        Assert.Empty(await s.Store.People.NamesAsync(["console:late"], None));
        Assert.DoesNotContain(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None), i => i.Payload == "follow-up of the late run");
        Assert.Empty(await ClaimAsync(s, "owner-3")); // A2 waits behind the running A1; the refused follow-up does not exist
        Assert.Equal(new[] { first.Id }, await s.Store.Queue.RenewAsync("owner-1", [first.Id], s.Now.AddMinutes(5), None));
        Assert.False(await s.Store.Queue.RetryAsync(new WorkRetry(first.Id, "owner-1", s.Now, "late retry"), None));

        var stillStolen = await FindWorkAsync(s.Store, first.Id);
        Assert.Equal((WorkStatus.Pending, "owner-2"), (stillStolen.Status, stillStolen.LeaseOwner));
        AssertUtc(s.Now.AddSeconds(30), stillStolen.LeaseUntil, nameof(WorkItem.LeaseUntil)); // the lost renew did not extend it
        await CompleteAsync(s.Store, stolen, "owner-2", "done by 2");
        var done = await FindWorkAsync(s.Store, first.Id);
        Assert.Equal((WorkStatus.Done, "done by 2"), (done.Status, done.Result));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Lease_RanOut_IsStillItsOwnersUntilAnotherOwnerTakesIt(string provider)
    {
        // A lapsed lease only lets others claim the item: until one does, its owner's run (still going after a clock
        // step or a pause) renews, completes or gives it back, rather than having its finished work refused and run again.
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("B1", "B", s.Now), Work("C1", "C", s.Now));
        var claimed = await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30));
        var a1 = claimed.Single(i => i.Payload == "A1");
        var b1 = claimed.Single(i => i.Payload == "B1");
        var c1 = claimed.Single(i => i.Payload == "C1");

        s.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(await s.Store.Queue.RenewAsync("owner-1", [a1.Id], s.Now.AddSeconds(30), None));
        AssertUtc(s.Now.AddSeconds(30), (await FindWorkAsync(s.Store, a1.Id)).LeaseUntil, nameof(WorkItem.LeaseUntil));
        await CompleteAsync(s.Store, b1, "owner-1", "finished late");
        Assert.Equal((WorkStatus.Done, "finished late"), ((await FindWorkAsync(s.Store, b1.Id)).Status, (await FindWorkAsync(s.Store, b1.Id)).Result));
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(c1.Id, "owner-1", s.Now.AddSeconds(2), "failed late"), None));
        Assert.Equal((WorkStatus.Pending, null), ((await FindWorkAsync(s.Store, c1.Id)).Status, (await FindWorkAsync(s.Store, c1.Id)).LeaseOwner));

        // Once another owner has taken a lapsed lease, the first owner holds nothing.
        s.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(["A1", "C1"], Names(await ClaimAsync(s, "owner-2")));
        Assert.Equal(new[] { a1.Id }, await s.Store.Queue.RenewAsync("owner-1", [a1.Id], s.Now.AddMinutes(1), None));
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => CompleteAsync(s.Store, a1));
        Assert.Equal(StoreConflictKind.LeaseLost, conflict.Kind);
        Assert.False(await s.Store.Queue.RetryAsync(new WorkRetry(a1.Id, "owner-1", s.Now, "too late"), None));
        Assert.Equal("owner-2", (await FindWorkAsync(s.Store, a1.Id)).LeaseOwner);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_OfALapsedLease_ByTheSameOwner_SpendsNoAttempt(string provider)
    {
        // The owner's own loop claims back an item whose lease lapsed while it still runs there (a clock step, a pause):
        // that starts no run, so it must not spend one of the item's attempts, or a slow run parks its item early.
        // Another owner's claim is a new run, and counts.
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now));
        var first = Assert.Single(await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30)));
        Assert.Equal(1, first.Attempts);

        for (var step = 0; step < 3; step++)
        {
            s.Clock.Advance(TimeSpan.FromMinutes(5));
            var again = Assert.Single(await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30)));
            Assert.Equal((first.Id, 1), (again.Id, again.Attempts));
        }

        Assert.Equal(1, (await FindWorkAsync(s.Store, first.Id)).Attempts);
        s.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, Assert.Single(await ClaimAsync(s, "owner-2")).Attempts);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Renew_ExtendsTheLeasesStillHeld(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("B1", "B", s.Now));
        var claimed = await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30));
        Assert.Equal(2, claimed.Count);
        var ids = claimed.Select(i => i.Id).ToArray();

        s.Clock.Advance(TimeSpan.FromSeconds(20));
        var until = s.Now.AddSeconds(60);
        Assert.Empty(await s.Store.Queue.RenewAsync("owner-1", ids, until, None));
        var notHeld = await s.Store.Queue.RenewAsync("owner-2", ids, until.AddHours(1), None);
        Assert.Equal(ids.Order(), notHeld.Order());

        foreach (var id in ids)
        {
            var item = await FindWorkAsync(s.Store, id);
            Assert.Equal("owner-1", item.LeaseOwner);
            AssertUtc(until, item.LeaseUntil, nameof(WorkItem.LeaseUntil));
        }

        s.Clock.Advance(TimeSpan.FromSeconds(40)); // past the first lease, within the renewed one
        Assert.Empty(await ClaimAsync(s, "owner-2"));
        s.Clock.Advance(TimeSpan.FromSeconds(21)); // past the renewed lease
        Assert.Equal(new[] { "A1", "B1" }, Names(await ClaimAsync(s, "owner-2")));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_IsFairAcrossKeys_ABusyKeyDoesNotStarveAnother(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await CommitAsync(s.Store, c => c.Enqueued.AddRange(Enumerable.Range(1, 100).Select(i => Work($"A{i:000}", "A", s.Now))));
        s.Clock.Advance(TimeSpan.FromSeconds(1));
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("B001", "B", s.Now)));

        var claimed = await ClaimAsync(s, max: 2);

        Assert.Equal(new[] { "A001", "B001" }, Names(claimed));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_ManyKeysAllRunning_DoNotHideALaterKeysItem(string provider)
    {
        // More keys than one claim looks at, each running its head with more queued behind it: a claim that finds
        // nothing in the keys it looked at must still get to the ones after them on the next calls.
        await using var s = await StoreSession.OpenAsync(provider);
        const int keys = 600;
        await AcceptAllAsync(s.Store, Enumerable.Range(0, keys).SelectMany(i => new[]
        {
            Work($"head {i:000}", $"K{i:000}", s.Now),
            Work($"next {i:000}", $"K{i:000}", s.Now),
        }).ToArray());
        var running = 0;
        for (var claims = 0; running < keys && claims < keys; claims++)
        {
            running += (await ClaimAsync(s, max: 100)).Count;
        }

        Assert.Equal(keys, running);
        await AcceptAllAsync(s.Store, Work("late key", "Z", s.Now));

        var found = new List<WorkItem>();
        for (var claims = 0; found.Count == 0 && claims < keys; claims++)
        {
            found.AddRange(await ClaimAsync(s, max: 8));
        }

        Assert.Equal(new[] { "late key" }, Names(found));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Enqueue_WithAUniqueKey_ReschedulesThePendingItem_AndCancelCallsItOff(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("archive v1", "incident:1", t0, dueAt: t0.AddDays(7), uniqueKey: "archive:1", kind: "archive")));
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("freeze", "reviews", t0, dueAt: t0.AddDays(2), uniqueKey: "freeze:w10", kind: "freeze")));

        // Which item holds a key is known after a restart too; a key differing only in case is another key.
        await s.ReopenAsync();
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("archive v2", "incident:1", t0, dueAt: t0.AddDays(1), uniqueKey: "archive:1", kind: "archive")));
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("other archive", "incident:1", t0, dueAt: t0.AddDays(3), uniqueKey: "ARCHIVE:1", kind: "archive")));
        await s.ReopenAsync();

        var pending = await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None);
        Assert.Equal(new[] { "archive v2", "freeze", "other archive" }, Names(pending));
        var archive = pending.Single(i => i.UniqueKey == "archive:1");
        AssertUtc(t0.AddDays(1), archive.DueAt, "the rescheduled DueAt");

        await CommitAsync(s.Store, c => c.Cancelled.Add("archive:1"));

        Assert.Equal(new[] { "freeze", "other archive" }, Names(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None)));
        var cancelled = await FindWorkAsync(s.Store, archive.Id);
        Assert.Equal(WorkStatus.Cancelled, cancelled.Status);
        AssertUtc(t0, cancelled.CompletedAt, nameof(WorkItem.CompletedAt));
        Assert.Equal(new[] { archive.Id }, (await s.Store.Queue.ListAsync(Topic, WorkStatus.Cancelled, 10, None)).Select(i => i.Id));
        s.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(new[] { "freeze", "other archive" }, Names(await ClaimAsync(s)));
    }

    /// <summary>
    /// An item whose lease lapsed is rescheduled in place like any unclaimed item, and that takes it from its owner:
    /// the owner's run, if it still goes on, has the old payload, so its completion must not settle the new one.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Enqueue_WithTheUniqueKeyOfAnItemWhoseLeaseLapsed_ReschedulesIt_AndItsOwnerLosesIt(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("card v1", "incident:1", s.Now, uniqueKey: "card:1", kind: "card")));
        var claimed = Assert.Single(await ClaimAsync(s, "owner-1", lease: TimeSpan.FromSeconds(30)));
        s.Clock.Advance(TimeSpan.FromMinutes(1));

        await CommitAsync(s.Store, c => c.Enqueued.Add(Work("card v2", "incident:1", s.Now, uniqueKey: "card:1", kind: "card")));

        var rescheduled = await FindWorkAsync(s.Store, claimed.Id);
        Assert.Equal((WorkStatus.Pending, "card v2", (string?)null, (DateTime?)null),
            (rescheduled.Status, rescheduled.Payload, rescheduled.LeaseOwner, rescheduled.LeaseUntil));
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => CompleteAsync(s.Store, claimed, "owner-1", "v1 posted"));
        Assert.Equal(StoreConflictKind.LeaseLost, conflict.Kind);
        Assert.Equal(new[] { claimed.Id }, await s.Store.Queue.RenewAsync("owner-1", [claimed.Id], s.Now.AddSeconds(30), None));
        Assert.Equal(new[] { "card v2" }, Names(await ClaimAsync(s, "owner-2")));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Complete_ViaCommit_MarksTheItemDoneWithItsResult_WithTheChange(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now));
        var claimed = Assert.Single(await ClaimAsync(s));
        s.Clock.Advance(TimeSpan.FromSeconds(3));

        var note = Note(incident, s.Now, "posted by the runner");
        await CommitAsync(s.Store, c =>
        {
            c.NewEntries.Add(note);
            c.Enqueued.Add(Work("follow-up", "A", s.Now));
            c.Completes = new WorkCompletion(claimed.Id, "owner-1", "ts=1712.0001");
        });

        var done = await FindWorkAsync(s.Store, claimed.Id);
        Assert.Equal((WorkStatus.Done, "ts=1712.0001", 1), (done.Status, done.Result, done.Attempts));
        AssertUtc(s.Now, done.CompletedAt, nameof(WorkItem.CompletedAt));
        Assert.Contains(await s.Store.Timeline.ListAsync(incident.Id, None), e => e.Text == "posted by the runner");
        Assert.Equal(new[] { "follow-up" }, Names(await ClaimAsync(s)));
        Assert.Equal(new[] { claimed.Id }, (await s.Store.Queue.ListAsync(Topic, WorkStatus.Done, 10, None)).Select(i => i.Id));

        var twice = await Assert.ThrowsAsync<StoreConflictException>(() => CompleteAsync(s.Store, claimed, "owner-1", "again"));
        Assert.Equal(StoreConflictKind.LeaseLost, twice.Kind);
        Assert.Equal("ts=1712.0001", (await FindWorkAsync(s.Store, claimed.Id)).Result);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Purge_DeletesOnlyDoneAndCancelledItemsCompletedBeforeTheCutoff(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await AcceptAllAsync(s.Store,
            Work("done early", "A", t0), Work("parked", "P", t0), Work("pending", "Q", t0, dueAt: t0.AddDays(30)),
            Work("cancelled early", "C", t0, dueAt: t0.AddDays(1), uniqueKey: "timer:c"));
        var claimed = await ClaimAsync(s, max: 10);
        Assert.Equal(new[] { "done early", "parked" }, Names(claimed));
        await CompleteAsync(s.Store, claimed.Single(i => i.Payload == "done early"));
        Assert.True(await s.Store.Queue.RetryAsync(new WorkRetry(claimed.Single(i => i.Payload == "parked").Id, "owner-1", t0, "gave up", Park: true), None));
        await CommitAsync(s.Store, c => c.Cancelled.Add("timer:c"));
        s.Clock.Advance(TimeSpan.FromDays(2));
        await AcceptAllAsync(s.Store, Work("done late", "D", s.Now));
        var late = Assert.Single(await ClaimAsync(s));
        await CompleteAsync(s.Store, late);
        var ids = new Dictionary<string, long>();
        foreach (var status in new[] { WorkStatus.Pending, WorkStatus.Done, WorkStatus.Parked, WorkStatus.Cancelled })
        {
            foreach (var item in await s.Store.Queue.ListAsync(Topic, status, 100, None))
            {
                ids[item.Payload] = item.Id;
            }
        }

        Assert.Equal(5, ids.Count);

        var purged = await s.Store.Queue.PurgeAsync(t0.AddDays(1), None);

        Assert.Equal(2, purged);
        Assert.Null(await s.Store.Queue.FindAsync(ids["done early"], None));
        Assert.Null(await s.Store.Queue.FindAsync(ids["cancelled early"], None));
        Assert.NotNull(await s.Store.Queue.FindAsync(ids["done late"], None));
        Assert.NotNull(await s.Store.Queue.FindAsync(ids["parked"], None));
        Assert.NotNull(await s.Store.Queue.FindAsync(ids["pending"], None));
        Assert.Equal(0, await s.Store.Queue.PurgeAsync(t0.AddDays(1), None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Claim_TwoOwnersAtOnce_NeverShareAnItem_NorHoldTwoItemsOfOneKey(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        // PostgreSQL: two replicas on one database. LiteDB (one process per file): two owners on one adapter.
        using var second = provider == TestDatabases.Postgres ? await s.OpenAnotherAsync() : null;
        var stores = new[] { s.Store, second ?? s.Store };
        const int keys = 20, perKey = 10;
        await CommitAsync(s.Store, c =>
        {
            for (var n = 0; n < perKey; n++)
            {
                for (var k = 0; k < keys; k++)
                {
                    c.Enqueued.Add(Work($"k{k:00}-{n:00}", $"key-{k:00}", s.Now));
                }
            }
        });

        var claimedOnce = new HashSet<long>();
        for (var round = 0; round < perKey; round++)
        {
            var claims = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
                stores[i % 2].Queue.ClaimAsync(Topic, $"owner-{i % 2}", s.Now, TimeSpan.FromMinutes(5), 3, None))));

            var all = claims.SelectMany(c => c).ToList();
            var sharedIds = all.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => g.First().Payload).ToList();
            Assert.True(sharedIds.Count == 0, $"Round {round}: items claimed twice: {string.Join(", ", sharedIds)}");
            var twoOfAKey = all.GroupBy(i => i.Key).Where(g => g.Count() > 1).Select(g => string.Join("+", g.Select(i => i.Payload))).ToList();
            Assert.True(twoOfAKey.Count == 0, $"Round {round}: two items of one key held at once: {string.Join(", ", twoOfAKey)}");
            Assert.True(all.Count == keys, $"Round {round}: expected the {keys} heads, claimed {all.Count}: {string.Join(", ", Names(all))}");
            Assert.All(all, i => Assert.EndsWith($"-{round:00}", i.Payload)); // per key in order
            Assert.All(all, i => Assert.True(claimedOnce.Add(i.Id), $"{i.Payload} was claimed again in round {round}."));

            // Complete each with the adapter of the owner that holds it, concurrently too.
            var byOwner = claims.Select((c, i) => (Items: c, Owner: i % 2));
            await Task.WhenAll(byOwner.SelectMany(o => o.Items.Select(item => Task.Run(() =>
                CompleteAsync(stores[o.Owner], item, $"owner-{o.Owner}")))));
        }

        Assert.Equal(keys * perKey, claimedOnce.Count);
        Assert.Empty(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 10, None));
    }
}
