using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The review port, the same assertions on each adapter.</summary>
public class ReviewStoreTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task LoadCalendar_EmptyStore_HasRevisionZero(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);

        var calendar = await s.Store.Reviews.LoadCalendarAsync(s.Now.AddDays(-30), None);

        Assert.Empty(calendar.Sessions);
        Assert.Equal(0, calendar.Revision);
        Assert.Null(calendar.FreezeCheckedUpTo);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task CalendarWrite_RoundTrips_AndAStaleRevisionConflicts(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var a = await DeclareAsync(s.Store, s.Now, "A");
        var b = await DeclareAsync(s.Store, s.Now, "B");
        var week1 = new DateTime(2026, 3, 5, 15, 0, 0, DateTimeKind.Utc);
        var week2 = week1.AddDays(7);
        var session1 = new ReviewSession
        {
            StartUtc = week1, ExtraCapacity = 1, NotetakerKey = "console:nora", AgendaSentAt = week1.AddDays(-1),
            Bookings =
            [
                new ReviewBooking { IncidentId = a.Id, Slot = 0, PresenterKey = "console:alice", BookedAt = s.Now },
                new ReviewBooking { IncidentId = b.Id, Slot = 1, PresenterKey = null, BookedAt = s.Now.AddMinutes(1) },
            ],
        };
        var session2 = new ReviewSession { StartUtc = week2, Cancelled = true };
        var checkedUpTo = s.Now.AddHours(1);

        var empty = await s.Store.Reviews.LoadCalendarAsync(week1.AddDays(-7), None);
        await CommitAsync(s.Store, c => c.Calendar = new CalendarWrite(empty.Revision, [session1, session2], checkedUpTo));

        var loaded = await s.Store.Reviews.LoadCalendarAsync(week1, None);
        Assert.NotEqual(empty.Revision, loaded.Revision);
        AssertUtc(checkedUpTo, loaded.FreezeCheckedUpTo, nameof(ReviewCalendarState.FreezeCheckedUpTo));
        Assert.Equal(ToJson(new[] { session1, session2 }), ToJson(loaded.Sessions));
        Assert.Equal(new[] { week2 }, (await s.Store.Reviews.LoadCalendarAsync(week1.AddMinutes(1), None)).Sessions.Select(x => x.StartUtc));

        var stale = new StoreChange { Calendar = new CalendarWrite(empty.Revision, [new ReviewSession { StartUtc = week1, ExtraCapacity = 9 }], null) };
        stale.People.Add(new IncidentBot.Core.Domain.Person { Key = "console:stale-planner", DisplayName = "Stale", UpdatedAt = s.Now });
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => s.Store.Changes.CommitAsync(stale, None));
        Assert.Equal(StoreConflictKind.CalendarRevision, conflict.Kind);
        Assert.Empty(await s.Store.People.NamesAsync(["console:stale-planner"], None));
        var afterConflict = await s.Store.Reviews.LoadCalendarAsync(week1, None);
        Assert.Equal(loaded.Revision, afterConflict.Revision);
        Assert.Equal(1, afterConflict.Sessions[0].ExtraCapacity);

        // Planned on the current revision: the session with the same start is replaced (bookings included).
        session1.Bookings.RemoveAt(1);
        session1.ExtraCapacity = 0;
        await CommitAsync(s.Store, c => c.Calendar = new CalendarWrite(loaded.Revision, [session1], null));
        var replanned = await s.Store.Reviews.LoadCalendarAsync(week1, None);
        Assert.NotEqual(loaded.Revision, replanned.Revision);
        Assert.Equal(ToJson(new[] { session1, session2 }), ToJson(replanned.Sessions));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FindBookingSession_FindsTheSessionOfTheIncident_PastOnesIncluded(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var a = await DeclareAsync(s.Store, s.Now, "A");
        var b = await DeclareAsync(s.Store, s.Now, "B");
        var c = await DeclareAsync(s.Store, s.Now, "C");
        var past = new DateTime(2026, 2, 19, 15, 0, 0, DateTimeKind.Utc);
        var next = new DateTime(2026, 3, 5, 15, 0, 0, DateTimeKind.Utc);
        await CommitAsync(s.Store, ch => ch.Calendar = new CalendarWrite(0,
        [
            new ReviewSession { StartUtc = past, Bookings = [new ReviewBooking { IncidentId = a.Id, Slot = 0, BookedAt = past.AddDays(-2) }] },
            new ReviewSession { StartUtc = next, Bookings = [new ReviewBooking { IncidentId = b.Id, Slot = 0, PresenterKey = "console:bob", BookedAt = s.Now }] },
        ], null));

        var ofA = await s.Store.Reviews.FindBookingSessionAsync(a.Id, None);
        var ofB = await s.Store.Reviews.FindBookingSessionAsync(b.Id, None);

        Assert.NotNull(ofA);
        AssertUtc(past, ofA.StartUtc, "A's session");
        Assert.NotNull(ofB);
        AssertUtc(next, ofB.StartUtc, "B's session");
        Assert.Equal("console:bob", Assert.Single(ofB.Bookings).PresenterKey);
        Assert.Null(await s.Store.Reviews.FindBookingSessionAsync(c.Id, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Documents_AreWrittenAndReplaced(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var a = await DeclareAsync(s.Store, s.Now, "A");
        var b = await DeclareAsync(s.Store, s.Now, "B");
        await CommitAsync(s.Store, c => c.Documents.Add(new ReviewDocument { IncidentId = a.Id, Markdown = "# v1", GeneratedAt = s.Now, TemplateErrors = "line 3: {{oops}}" }));
        s.Clock.Advance(TimeSpan.FromHours(1));

        await CommitAsync(s.Store, c => c.Documents.Add(new ReviewDocument { IncidentId = a.Id, Markdown = "# v2", GeneratedAt = s.Now }));

        var document = await s.Store.Reviews.FindDocumentAsync(a.Id, None);
        Assert.NotNull(document);
        Assert.Equal((a.Id, "# v2", (string?)null), (document.IncidentId, document.Markdown, document.TemplateErrors));
        AssertUtc(s.Now, document.GeneratedAt, nameof(ReviewDocument.GeneratedAt));
        Assert.Null(await s.Store.Reviews.FindDocumentAsync(b.Id, None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task IssueFeed_RevokesThePersonsOlderFeed_Only(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await s.Store.Reviews.IssueFeedAsync(new CalendarFeed { PersonKey = "console:alice", TokenHash = "hash-alice-1", CreatedAt = s.Now }, None);
        await s.Store.Reviews.IssueFeedAsync(new CalendarFeed { PersonKey = "console:bob", TokenHash = "hash-bob-1", CreatedAt = s.Now }, None);
        var first = await s.Store.Reviews.FindFeedAsync("hash-alice-1", None);
        Assert.NotNull(first);
        Assert.Equal("console:alice", first.PersonKey);
        AssertUtc(s.Now, first.CreatedAt, nameof(CalendarFeed.CreatedAt));
        Assert.Null(first.RevokedAt);
        s.Clock.Advance(TimeSpan.FromDays(1));

        await s.Store.Reviews.IssueFeedAsync(new CalendarFeed { PersonKey = "console:alice", TokenHash = "hash-alice-2", CreatedAt = s.Now }, None);

        Assert.Null(await s.Store.Reviews.FindFeedAsync("hash-alice-1", None));
        Assert.Equal("console:alice", (await s.Store.Reviews.FindFeedAsync("hash-alice-2", None))?.PersonKey);
        Assert.Equal("console:bob", (await s.Store.Reviews.FindFeedAsync("hash-bob-1", None))?.PersonKey);
        Assert.Null(await s.Store.Reviews.FindFeedAsync("hash-unknown", None));
    }
}
