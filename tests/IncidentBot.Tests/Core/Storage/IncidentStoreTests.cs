using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The incident port, the same assertions on each adapter.</summary>
public class IncidentStoreTests
{
    private static readonly Actor Bob = Actor.Console("bob");
    private static readonly Actor Carol = Actor.Console("carol");

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Declare_NumbersIncidentsInOrder_AndRewritesTheDeclaredEntry(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);

        var first = await DeclareAsync(s.Store, s.Now, "Checkout is down");
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await DeclareAsync(s.Store, s.Now, "Search is slow", "SEV3");

        Assert.Equal(1, first.Number);
        Assert.Equal(2, second.Number);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Id, (await LoadAsync(s.Store, 1)).Id);
        Assert.Equal(second.Id, (await LoadAsync(s.Store, 2)).Id);
        Assert.Null(await s.Store.Incidents.FindAsync(3, None));

        var timeline = await s.Store.Timeline.ListAsync(second.Id, None);
        var declared = Assert.Single(timeline);
        Assert.Equal(TimelineKind.Declared, declared.Kind);
        Assert.Equal("INC-2 declared (SEV3): Search is slow", declared.Text);
        Assert.Equal(second.Id, declared.IncidentId);
        Assert.NotEqual(0, declared.Id);
        Assert.Equal(declared.Id, second.Timeline[0].Id); // the commit set the new entry's id
        Assert.Equal("INC-1 declared (SEV2): Checkout is down", Assert.Single(await s.Store.Timeline.ListAsync(first.Id, None)).Text);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Declare_RoundTripsEveryFieldOfTheDocument(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        var slackAlice = new Actor("slack:U0ALICE", "Alice", "T0TEAM");
        var incident = await DeclareAsync(s.Store, t0, "Payments failing", "SEV1", isPrivate: true, by: slackAlice, shape: i =>
        {
            i.Description = "Card payments fail with 502";
            i.Service = "payments";
            i.AssignRole("Commander", "slack:U0BOB", slackAlice, t0.AddMinutes(1));
            i.AssignRole("Commander", "slack:U0CAROL", slackAlice, t0.AddMinutes(2)); // relieves bob
            i.AddMember("slack:U0DAVE", MembershipSource.Channel, t0.AddMinutes(3));
            i.RemoveMember("slack:U0DAVE", MembershipSource.Channel, t0.AddMinutes(4));
            i.AddActionItem("Add a 502 alert", "slack:U0BOB", slackAlice, t0.AddMinutes(5));
            i.ActionItems[0].Status = ActionItemStatus.Done;
            i.AddActionItem("Write the runbook", null, slackAlice, t0.AddMinutes(6));
            i.SetImpactStarted(t0.AddMinutes(-30), slackAlice, t0.AddMinutes(7), TimeSpan.FromDays(7));
            i.IdentifiedAt = t0.AddMinutes(8);
            i.MitigatedAt = t0.AddMinutes(9);
            i.ResolvedAt = t0.AddMinutes(10);
            i.ClosedAt = t0.AddMinutes(11);
            i.Status = IncidentStatus.Monitoring;
            i.Summary = "A bad deploy";
            i.CancelReason = "not cancelled, but stored";
            i.DuplicateOfNumber = 7;
        });

        var byNumber = await LoadAsync(s.Store, 1);
        var byId = await s.Store.Incidents.FindByIdAsync(incident.Id, None);

        Assert.NotNull(byId);
        Assert.Equal(1, incident.Number);
        Assert.Equal(1, byNumber.Version);
        Assert.Equal(1, byId.Version);
        AssertSameDocument(incident, byNumber);
        AssertSameDocument(incident, byId);
        Assert.Empty(byNumber.Channels);
        Assert.Null(await s.Store.Incidents.FindByIdAsync(incident.Id + 1000, None));

        // The entries the change carried, every field and the UTC kind of their dates.
        var stored = await s.Store.Timeline.ListAsync(incident.Id, None);
        Assert.Equal(incident.Timeline.Count, stored.Count);
        foreach (var (expected, actual) in incident.Timeline.Zip(stored))
        {
            AssertSameEntry(expected, actual);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task IncidentWrite_BumpsTheVersion(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now);
        var read = await LoadAsync(s.Store, 1);

        var entry = read.ChangeStatus(IncidentStatus.Identified, Alice, s.Now.AddMinutes(1), "bad deploy");
        await CommitAsync(s.Store, c =>
        {
            c.Incidents.Add(new IncidentWrite(read, read.Version));
            c.NewEntries.Add(entry);
        });

        Assert.Equal(2, read.Version);
        var stored = await LoadAsync(s.Store, 1);
        Assert.Equal(2, stored.Version);
        Assert.Equal(IncidentStatus.Identified, stored.Status);
        AssertUtc(s.Now.AddMinutes(1), stored.IdentifiedAt, nameof(Incident.IdentifiedAt));
        Assert.Equal(2, (await s.Store.Timeline.ListAsync(read.Id, None)).Count);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task IncidentWrite_StaleVersion_ConflictsAndWritesNothingOfTheChange(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now, "Checkout is down");
        var other = await DeclareAsync(s.Store, s.Now, "Another one");
        var winner = await LoadAsync(s.Store, 1);
        var loser = await LoadAsync(s.Store, 1);

        winner.Title = "Checkout is down in EU";
        await CommitAsync(s.Store, c => c.Incidents.Add(new IncidentWrite(winner, winner.Version)));

        loser.Title = "Checkout is down in the US";
        var note = loser.AddNote("from the stale request", Alice, s.Now.AddMinutes(1));
        var otherNote = Note(other, s.Now.AddMinutes(1), "entry of another incident in the same change");
        var change = new StoreChange();
        change.NewEntries.Add(otherNote);
        change.People.Add(new Person { Key = "console:stale", DisplayName = "Stale", UpdatedAt = s.Now });
        change.Enqueued.Add(Work("stale-post", "C1", s.Now, uniqueKey: "stale-unique"));
        change.Incidents.Add(new IncidentWrite(loser, 1));
        change.NewEntries.Add(note);

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => s.Store.Changes.CommitAsync(change, None));

        Assert.Equal(StoreConflictKind.IncidentVersion, conflict.Kind);
        var stored = await LoadAsync(s.Store, 1);
        Assert.Equal("Checkout is down in EU", stored.Title);
        Assert.Equal(2, stored.Version);
        Assert.DoesNotContain(await s.Store.Timeline.ListAsync(stored.Id, None), e => e.Text == "from the stale request");
        Assert.DoesNotContain(await s.Store.Timeline.ListAsync(other.Id, None), e => e.Text == otherNote.Text);
        Assert.Empty(await s.Store.People.NamesAsync(["console:stale"], None));
        Assert.Empty(await s.Store.Queue.ListAsync(Topic, WorkStatus.Pending, 100, None));
        Assert.Empty(await ClaimAsync(s));
        Assert.True(await s.Store.Queue.AcceptAsync(Work("again", "C1", s.Now, uniqueKey: "stale-unique"), None),
            "The stale change's unique key was kept although the change was refused.");
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ChangesAtOnce_OneStaleWriteConflicts_WithoutCostingTheChangesCommittedBesideIt(string provider)
    {
        // Changes arriving together may share one commit (LiteDB groups them); a conflicting one must fail alone.
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now, "Checkout is down");
        var other = await DeclareAsync(s.Store, s.Now, "Another one");
        var writers = new List<Incident>();
        for (var i = 0; i < 10; i++)
        {
            writers.Add(await LoadAsync(s.Store, 1));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var change = new StoreChange();
            if (i % 2 == 0)
            {
                var incident = writers[i / 2];
                incident.Title = $"Checkout is down, take {i / 2}";
                change.Incidents.Add(new IncidentWrite(incident, 1));
            }
            else
            {
                change.NewEntries.Add(Note(other, s.Now, $"note {i}"));
            }

            try
            {
                await s.Store.Changes.CommitAsync(change, None);
                return i % 2 == 0 ? "written" : "noted";
            }
            catch (StoreConflictException conflict) when (conflict.Kind == StoreConflictKind.IncidentVersion)
            {
                return "conflict";
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "written"));
        Assert.Equal(9, outcomes.Count(o => o == "conflict"));
        Assert.Equal(10, outcomes.Count(o => o == "noted"));
        var stored = await LoadAsync(s.Store, 1);
        Assert.Equal(2, stored.Version);
        Assert.StartsWith("Checkout is down, take ", stored.Title, StringComparison.Ordinal);
        Assert.Equal(10, (await s.Store.Timeline.ListAsync(other.Id, None)).Count(e => e.Text.StartsWith("note ", StringComparison.Ordinal)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Declare_FiftyAtOnce_NumbersThemOneToFiftyWithoutDuplicatesOrGaps(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);

        var incidents = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => DeclareAsync(s.Store, s.Now, $"Concurrent {i}"))));

        Assert.Equal(Enumerable.Range(1, 50), incidents.Select(i => i.Number).Order());
        Assert.Equal(50, incidents.Select(i => i.Id).Distinct().Count());
        foreach (var incident in incidents)
        {
            var stored = await LoadAsync(s.Store, incident.Number);
            Assert.Equal(incident.Id, stored.Id);
            Assert.Equal(incident.Title, stored.Title);
            var declared = Assert.Single(await s.Store.Timeline.ListAsync(incident.Id, None));
            Assert.Equal($"INC-{incident.Number} declared (SEV2): {incident.Title}", declared.Text);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task List_PrivateIncident_VisibleOnlyToActiveMembersAndFacilitators(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now, "Public one");
        await DeclareAsync(s.Store, s.Now, "Secret one", isPrivate: true, shape: i =>
        {
            i.AddMember(Bob.PersonKey, MembershipSource.Explicit, s.Now);
            i.AddMember(Carol.PersonKey, MembershipSource.Explicit, s.Now);
            i.RemoveMember(Carol.PersonKey, MembershipSource.Explicit, s.Now);
        });
        await DeclareAsync(s.Store, s.Now, "Public two");

        async Task<int[]> Visible(string viewer, bool everything)
        {
            var page = await s.Store.Incidents.ListAsync(new IncidentQuery(viewer, everything), None);
            Assert.Equal(page.Items.Count, page.Total);
            return page.Items.Select(i => i.Number).ToArray();
        }

        Assert.Equal(new[] { 3, 1 }, await Visible("console:dave", false));
        Assert.Equal(new[] { 3, 2, 1 }, await Visible(Bob.PersonKey, false));
        Assert.Equal(new[] { 3, 2, 1 }, await Visible(Alice.PersonKey, false)); // the declarer
        Assert.Equal(new[] { 3, 1 }, await Visible(Carol.PersonKey, false)); // left: no longer sees it
        Assert.Equal(new[] { 3, 2, 1 }, await Visible("console:dave", true));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task List_FiltersByOpenSeverityAndSearch_AndPages(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now, "Checkout API down", "SEV1");       // 1
        await DeclareAsync(s.Store, s.Now, "Search is slow", "SEV2");          // 2
        await DeclareAsync(s.Store, s.Now, "Login errors", "SEV2");            // 3
        await DeclareAsync(s.Store, s.Now, "checkout latency", "SEV3");        // 4
        await DeclareAsync(s.Store, s.Now, "Emails delayed", "SEV2");          // 5
        var resolved = await LoadAsync(s.Store, 3);
        resolved.Resolve(Alice, s.Now, "fixed");
        await CommitAsync(s.Store, c => c.Incidents.Add(new IncidentWrite(resolved, resolved.Version)));

        async Task<int[]> Numbers(IncidentQuery query)
        {
            var page = await s.Store.Incidents.ListAsync(query, None);
            return page.Items.Select(i => i.Number).ToArray();
        }

        const string viewer = "console:dave";
        Assert.Equal(new[] { 5, 4, 2, 1 }, await Numbers(new IncidentQuery(viewer, false, Open: true)));
        Assert.Equal(new[] { 3 }, await Numbers(new IncidentQuery(viewer, false, Open: false)));
        Assert.Equal(new[] { 5, 3, 2 }, await Numbers(new IncidentQuery(viewer, false, Severity: "SEV2")));
        Assert.Equal(new[] { 5, 2 }, await Numbers(new IncidentQuery(viewer, false, Open: true, Severity: "SEV2")));
        Assert.Equal(new[] { 4, 1 }, await Numbers(new IncidentQuery(viewer, false, Search: "CHECKOUT")));
        Assert.Equal(new[] { 2 }, await Numbers(new IncidentQuery(viewer, false, Search: "is sl")));
        Assert.Equal(new[] { 2 }, await Numbers(new IncidentQuery(viewer, false, Search: "INC-2")));
        Assert.Empty(await Numbers(new IncidentQuery(viewer, false, Search: "nothing like it")));

        var page = await s.Store.Incidents.ListAsync(new IncidentQuery(viewer, false, Skip: 1, Take: 2), None);
        Assert.Equal(new[] { 4, 3 }, page.Items.Select(i => i.Number));
        Assert.Equal(5, page.Total);
        var filteredPage = await s.Store.Incidents.ListAsync(new IncidentQuery(viewer, false, Severity: "SEV2", Skip: 2, Take: 2), None);
        Assert.Equal(new[] { 2 }, filteredPage.Items.Select(i => i.Number));
        Assert.Equal(3, filteredPage.Total);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task List_FiltersByStatusServiceAndDeclaredTime_AndSearchesServices(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        await DeclareAsync(s.Store, t0, "Checkout API down", "SEV1", shape: i => i.Service = "Payments");           // 1
        s.Clock.Advance(TimeSpan.FromHours(1));
        await DeclareAsync(s.Store, s.Now, "Search is slow", "SEV2", shape: i => i.Service = "search");             // 2
        s.Clock.Advance(TimeSpan.FromHours(1));
        await DeclareAsync(s.Store, s.Now, "Card declines", "SEV2", shape: i => i.Service = "payments-gateway");    // 3
        s.Clock.Advance(TimeSpan.FromHours(1));
        await DeclareAsync(s.Store, s.Now, "Disk alarm", "SEV3");                                                    // 4
        var cancelled = await LoadAsync(s.Store, 4);
        _ = cancelled.Cancel(Alice, s.Now, "false alarm");
        await CommitAsync(s.Store, c => c.Incidents.Add(new IncidentWrite(cancelled, cancelled.Version)));

        async Task<int[]> Numbers(IncidentQuery query) => (await s.Store.Incidents.ListAsync(query, None)).Items.Select(i => i.Number).ToArray();

        const string viewer = "console:dave";
        var all = new IncidentQuery(viewer, false);
        Assert.Equal(new[] { 4 }, await Numbers(all with { Status = IncidentStatus.Cancelled }));
        Assert.Equal(new[] { 3, 2, 1 }, await Numbers(all with { Status = IncidentStatus.Investigating }));
        Assert.Equal(new[] { 1 }, await Numbers(all with { Service = "PAYMENTS" }));
        Assert.Equal(new[] { 3, 1 }, await Numbers(all with { Search = "payments" }));
        Assert.Equal(new[] { 2 }, await Numbers(all with { Search = "SEARCH" }));
        Assert.Equal(new[] { 3, 2 }, await Numbers(all with { DeclaredFrom = t0.AddMinutes(30), DeclaredBefore = t0.AddHours(2).AddMinutes(1) }));
        Assert.Equal(new[] { 1 }, await Numbers(all with { DeclaredBefore = t0.AddHours(1) }));
        Assert.Equal(new[] { 4 }, await Numbers(all with { DeclaredFrom = t0.AddHours(3) }));

        var counted = await s.Store.Incidents.ListAsync(all with { Open = true, Take = 0 }, None);
        Assert.Empty(counted.Items);
        Assert.Equal(3, counted.Total);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ChangeFeed_TellsAWatcherWhichIncidentsACommitTouched_AndNothingBeforeItWatched(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var before = await DeclareAsync(s.Store, s.Now, "Before anyone watched");
        using var watch = s.Store.ChangeFeed.Watch();
        await using var changes = watch.ChangesAsync(CancellationToken.None).GetAsyncEnumerator();
        var probe = await WaitUntilListeningAsync(s.Store, changes);

        var declared = await DeclareAsync(s.Store, s.Now, "Checkout is down");
        var noted = await LoadAsync(s.Store, before.Number);
        await CommitAsync(s.Store, c => c.NewEntries.Add(Note(noted, s.Now, "a note only")));

        Assert.Equal(declared.Id, await NextAsync(changes, probe));
        Assert.Equal(before.Id, await NextAsync(changes, probe));
    }

    [SkippableFact]
    public async Task ChangeFeed_OnPostgres_ReachesAnotherReplica()
    {
        await using var s = await StoreSession.OpenAsync(TestDatabases.Postgres);
        using var replica = await s.OpenAnotherAsync();
        using var watch = replica.ChangeFeed.Watch();
        await using var changes = watch.ChangesAsync(CancellationToken.None).GetAsyncEnumerator();
        var probe = await WaitUntilListeningAsync(s.Store, changes);

        var declared = await DeclareAsync(s.Store, s.Now, "Declared on the first replica");

        Assert.Equal(declared.Id, await NextAsync(changes, probe));
    }

    [SkippableFact]
    public async Task ChangeFeed_OnPostgres_StoppedListening_LeavesNoConnectionListening()
    {
        // Pooled connections are not reset when they go back (that reset cost the database four statements per use),
        // so a listening connection given back to the pool would keep listening with nobody reading: PostgreSQL keeps
        // every notification until each listener has read it.
        await using var s = await StoreSession.OpenAsync(TestDatabases.Postgres);
        using var replica = await s.OpenAnotherAsync();
        using (var watch = replica.ChangeFeed.Watch())
        {
            await using var changes = watch.ChangesAsync(CancellationToken.None).GetAsyncEnumerator();
            await WaitUntilListeningAsync(s.Store, changes);
        }

        ((IDisposable)replica.ChangeFeed).Dispose();

        var listening = await ListeningBackendsAsync(s.Database.ConnectionString!);
        for (var i = 0; i < 100 && listening > 0; i++)
        {
            await Task.Delay(50);
            listening = await ListeningBackendsAsync(s.Database.ConnectionString!);
        }

        Assert.Equal(0, listening);
    }

    /// <summary>Connections to the database whose last statement was a LISTEN (idle in a pool, or still listening).</summary>
    private static async Task<long> ListeningBackendsAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN %'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A PostgreSQL replica starts listening on the first watch, over a connection of its own: a probe incident is
    /// changed until the watch sees it, which proves it listens. Returns the probe's id, for the test to pass over.
    /// </summary>
    private static async Task<long> WaitUntilListeningAsync(StorageAdapter writer, IAsyncEnumerator<long> changes)
    {
        var probe = await DeclareAsync(writer, DateTime.UtcNow, "probe");
        var seen = changes.MoveNextAsync().AsTask();
        for (var i = 0; i < 200 && !seen.IsCompleted; i++)
        {
            if (await Task.WhenAny(seen, Task.Delay(50)) != seen)
            {
                var again = await LoadAsync(writer, probe.Number);
                await CommitAsync(writer, c => c.NewEntries.Add(Note(again, DateTime.UtcNow, "probe again")));
            }
        }

        Assert.True(await seen, "the feed ended");
        Assert.Equal(probe.Id, changes.Current);
        return probe.Id;
    }

    /// <summary>The next incident the feed names, passing over the probe.</summary>
    private static async Task<long> NextAsync(IAsyncEnumerator<long> changes, long probe)
    {
        while (true)
        {
            Assert.True(await changes.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), "the feed ended");
            if (changes.Current != probe)
            {
                return changes.Current;
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FindMany_ReturnsTheStoredOnesOfTheIds(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var a = await DeclareAsync(s.Store, s.Now, "A");
        await DeclareAsync(s.Store, s.Now, "B");
        var c = await DeclareAsync(s.Store, s.Now, "C");

        var found = await s.Store.Incidents.FindManyAsync([a.Id, c.Id, c.Id + 1000], None);

        Assert.Equal(new[] { "A", "C" }, found.Select(i => i.Title).Order());
        Assert.Empty(await s.Store.Incidents.FindManyAsync([], None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task LinkChannel_BelongsToOneIncident_AndIsLoadedWithIt(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var first = await DeclareAsync(s.Store, s.Now, "First");
        var second = await DeclareAsync(s.Store, s.Now, "Second");
        IncidentChannel Channel(Incident i, string platform = "slack", string id = "C0INC1") =>
            new() { IncidentId = i.Id, Platform = platform, ChannelId = id, Name = "inc-1-first", TenantId = "T0TEAM", CreatedAt = s.Now };

        Assert.True(await s.Store.Incidents.LinkChannelAsync(Channel(first), None));
        Assert.True(await s.Store.Incidents.LinkChannelAsync(Channel(first), None)); // already linked to it
        Assert.False(await s.Store.Incidents.LinkChannelAsync(Channel(second), None)); // belongs to another
        Assert.True(await s.Store.Incidents.LinkChannelAsync(Channel(second, "teams", "C0INC1"), None)); // another platform's channel

        Assert.Equal(1, await s.Store.Incidents.NumberByChannelAsync("slack", "C0INC1", None));
        Assert.Equal(2, await s.Store.Incidents.NumberByChannelAsync("teams", "C0INC1", None));
        Assert.Null(await s.Store.Incidents.NumberByChannelAsync("slack", "C0NOPE", None));

        var loaded = await LoadAsync(s.Store, 1);
        var channel = Assert.Single(loaded.Channels);
        Assert.Equal(("slack", "C0INC1", "inc-1-first", "T0TEAM", first.Id), (channel.Platform, channel.ChannelId, channel.Name, channel.TenantId, channel.IncidentId));
        AssertUtc(s.Now, channel.CreatedAt, nameof(IncidentChannel.CreatedAt));
        Assert.Equal("teams", Assert.Single((await s.Store.Incidents.FindByIdAsync(second.Id, None))!.Channels).Platform);

        // The same answers from a store opened afresh on the same data.
        await s.ReopenAsync();
        Assert.Equal(1, await s.Store.Incidents.NumberByChannelAsync("slack", "C0INC1", None));
        Assert.Equal(2, await s.Store.Incidents.NumberByChannelAsync("teams", "C0INC1", None));
        Assert.Null(await s.Store.Incidents.NumberByChannelAsync("slack", "C0NOPE", None));
        Assert.False(await s.Store.Incidents.LinkChannelAsync(Channel(first, "teams", "C0INC1"), None));
        Assert.Null(await s.Store.Incidents.NumberByChannelAsync("slack", "C0INC2", None)); // not linked yet: not remembered as such
        Assert.True(await s.Store.Incidents.LinkChannelAsync(Channel(second, "slack", "C0INC2"), None));
        Assert.Equal(2, await s.Store.Incidents.NumberByChannelAsync("slack", "C0INC2", None));
    }
}
