using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The timeline port, the same assertions on each adapter.</summary>
public class TimelineStoreTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task List_OrdersEntriesByOccurredAtThenId(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        var incident = await DeclareAsync(s.Store, t0);
        var late = Note(incident, t0.AddMinutes(10), "late, first written");
        var early = Note(incident, t0.AddMinutes(5), "captured: happened earlier", externalId: "slack:C1:1.0001");
        var sameTime = Note(incident, t0.AddMinutes(10), "late, written after");
        var hidden = Note(incident, t0.AddMinutes(1), "hidden one");
        hidden.Hidden = true;

        await CommitAsync(s.Store, c => c.NewEntries.Add(late));
        await CommitAsync(s.Store, c => c.NewEntries.Add(early));
        await CommitAsync(s.Store, c => c.NewEntries.Add(sameTime));
        await CommitAsync(s.Store, c => c.NewEntries.Add(hidden));

        Assert.True(late.Id != 0 && early.Id != 0 && sameTime.Id != 0 && hidden.Id != 0, "The commit did not set the new entries' ids.");
        Assert.True(late.Id < sameTime.Id, "Entries written later must get higher ids.");
        var listed = await s.Store.Timeline.ListAsync(incident.Id, None);
        Assert.Equal(
            [$"INC-1 declared (SEV2): {incident.Title}", "hidden one", "captured: happened earlier", "late, first written", "late, written after"],
            listed.Select(e => e.Text));
        AssertSameEntry(early, listed[2]);
        AssertSameEntry(hidden, listed[1]);
        Assert.Empty(await s.Store.Timeline.ListAsync(incident.Id + 1000, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Read_StreamsEveryEntryOfTheIncident_InTheListsOrder_AcrossPages(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var t0 = s.Now;
        var incident = await DeclareAsync(s.Store, t0);
        var other = await DeclareAsync(s.Store, t0, "Other");

        // More than a few pages, written out of time order, with runs of equal times (ordered by id) falling across
        // the pages' edges, and another incident's entries in between.
        var random = new Random(7);
        for (var batch = 0; batch < 5; batch++)
        {
            await CommitAsync(s.Store, c =>
            {
                for (var i = 0; i < 500; i++)
                {
                    c.NewEntries.Add(Note(incident, t0.AddSeconds(random.Next(0, 400)), $"note {batch}-{i}"));
                }

                c.NewEntries.Add(Note(other, t0.AddSeconds(random.Next(0, 400)), $"other's note {batch}"));
            });
        }

        var listed = await s.Store.Timeline.ListAsync(incident.Id, None);
        var read = new List<TimelineEntry>();
        await foreach (var entry in s.Store.Timeline.ReadAsync(incident.Id, None))
        {
            read.Add(entry);
        }

        Assert.Equal(2_501, listed.Count);
        Assert.Equal(listed.Select(e => e.Id), read.Select(e => e.Id));
        Assert.Equal(listed.Select(e => e.Text), read.Select(e => e.Text));
        Assert.All(read, e => Assert.Equal(incident.Id, e.IncidentId));
        var none = s.Store.Timeline.ReadAsync(incident.Id + 1000, None).GetAsyncEnumerator();
        Assert.False(await none.MoveNextAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Find_ReturnsTheEntryOfThatIncidentOnly(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var other = await DeclareAsync(s.Store, s.Now, "Other");
        var note = Note(incident, s.Now, "a note");
        await CommitAsync(s.Store, c => c.NewEntries.Add(note));

        var found = await s.Store.Timeline.FindAsync(incident.Id, note.Id, None);

        Assert.NotNull(found);
        AssertSameEntry(note, found);
        Assert.Null(await s.Store.Timeline.FindAsync(other.Id, note.Id, None));
        Assert.Null(await s.Store.Timeline.FindAsync(incident.Id, note.Id + 1000, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FindCaptured_FindsTheEntryOfTheMessageInThatIncident(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var other = await DeclareAsync(s.Store, s.Now, "Other");
        var captured = Note(incident, s.Now.AddMinutes(-3), "look at this graph", externalId: "slack:C1:1712345678.000100");
        await CommitAsync(s.Store, c => c.NewEntries.Add(captured));

        Assert.Equal(captured.Id, await s.Store.Timeline.FindCapturedAsync(incident.Id, "slack:C1:1712345678.000100", None));
        Assert.Null(await s.Store.Timeline.FindCapturedAsync(incident.Id, "slack:C1:1712345678.000200", None));
        Assert.Null(await s.Store.Timeline.FindCapturedAsync(other.Id, "slack:C1:1712345678.000100", None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Capture_SameMessageTwiceInOneIncident_Conflicts_ButAnotherIncidentMayHaveIt(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var other = await DeclareAsync(s.Store, s.Now, "Other");
        const string message = "slack:C1:1712345678.000100";
        await CommitAsync(s.Store, c => c.NewEntries.Add(Note(incident, s.Now, "first capture", message)));

        var again = new StoreChange();
        again.NewEntries.Add(Note(incident, s.Now, "a plain note in the same change"));
        again.NewEntries.Add(Note(incident, s.Now, "second capture", message));
        again.People.Add(new Person { Key = "console:dup", DisplayName = "Dup", UpdatedAt = s.Now });
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => s.Store.Changes.CommitAsync(again, None));

        Assert.Equal(StoreConflictKind.DuplicateCapture, conflict.Kind);
        var texts = (await s.Store.Timeline.ListAsync(incident.Id, None)).Select(e => e.Text).ToList();
        Assert.Contains("first capture", texts);
        Assert.DoesNotContain("second capture", texts);
        Assert.DoesNotContain("a plain note in the same change", texts);
        Assert.Empty(await s.Store.People.NamesAsync(["console:dup"], None));

        var elsewhere = Note(other, s.Now, "captured in the other incident", message);
        await CommitAsync(s.Store, c => c.NewEntries.Add(elsewhere));
        Assert.Equal(elsewhere.Id, await s.Store.Timeline.FindCapturedAsync(other.Id, message, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ChangedEntriesAndEdits_RoundTrip_EditsOldestFirst(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var other = await DeclareAsync(s.Store, s.Now, "Other");
        var note = Note(incident, s.Now, "tpyo here");
        await CommitAsync(s.Store, c => c.NewEntries.Add(note));

        s.Clock.Advance(TimeSpan.FromMinutes(5));
        var firstEdit = s.Now;
        var entry = (await s.Store.Timeline.FindAsync(incident.Id, note.Id, None))!;
        entry.Text = "typo here";
        await CommitAsync(s.Store, c =>
        {
            c.ChangedEntries.Add(entry);
            c.Edits.Add(new TimelineEdit
            {
                IncidentId = incident.Id, EntryId = entry.Id, EditorKey = "console:fac", At = firstEdit,
                OldText = "tpyo here", NewText = "typo here", OldHidden = false, NewHidden = false,
            });
        });

        s.Clock.Advance(TimeSpan.FromMinutes(5));
        entry = (await s.Store.Timeline.FindAsync(incident.Id, note.Id, None))!;
        Assert.Equal("typo here", entry.Text);
        entry.Hidden = true;
        await CommitAsync(s.Store, c =>
        {
            c.ChangedEntries.Add(entry);
            c.Edits.Add(new TimelineEdit
            {
                IncidentId = incident.Id, EntryId = entry.Id, EditorKey = "console:fac2", At = s.Now,
                OldText = "typo here", NewText = "typo here", OldHidden = false, NewHidden = true,
            });
        });

        var stored = (await s.Store.Timeline.FindAsync(incident.Id, note.Id, None))!;
        Assert.Equal("typo here", stored.Text);
        Assert.True(stored.Hidden);
        Assert.Equal(2, (await s.Store.Timeline.ListAsync(incident.Id, None)).Count); // rewritten, not added

        var edits = await s.Store.Timeline.EditsAsync(incident.Id, None);
        Assert.Equal(new[] { "console:fac", "console:fac2" }, edits.Select(e => e.EditorKey));
        var (a, b) = (edits[0], edits[1]);
        Assert.Equal((incident.Id, note.Id, "tpyo here", "typo here", false, false), (a.IncidentId, a.EntryId, a.OldText, a.NewText, a.OldHidden, a.NewHidden));
        Assert.Equal((incident.Id, note.Id, "typo here", "typo here", false, true), (b.IncidentId, b.EntryId, b.OldText, b.NewText, b.OldHidden, b.NewHidden));
        AssertUtc(firstEdit, a.At, "first edit's At");
        AssertUtc(s.Now, b.At, "second edit's At");
        Assert.NotEqual(a.Id, b.Id);
        Assert.Empty(await s.Store.Timeline.EditsAsync(other.Id, None));
    }
}
