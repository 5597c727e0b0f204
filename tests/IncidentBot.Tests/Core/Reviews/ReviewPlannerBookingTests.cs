using IncidentBot.Core.Reviews;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

public class ReviewPlannerBookingTests
{
    [Fact]
    public void Book_FirstIncident_MaterialisesEarliestOpenSessionAndTakesSlotOne()
    {
        var sessions = new List<SessionPlan>();

        var result = ReviewPlanner.Book(sessions, Incident(1), Rules(), Now);

        Assert.Equal(BookingOutcome.Booked, result.Outcome);
        Assert.Equal(Week1, result.SessionStartUtc);
        Assert.Equal(1, result.Slot);
        Assert.False(result.JoinedBatch);
        Assert.Equal(1L, result.IncidentId);
        var session = Assert.Single(sessions);
        Assert.Equal(Week1, session.StartUtc);
        Assert.Equal([1L], Ids(session));
        Assert.Equal("console:commander1", session.Bookings[0].PresenterKey);
    }

    [Fact]
    public void Book_CapacityTwo_ThirdUnrelatedIncidentGoesToFollowingWeek()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules();

        var first = ReviewPlanner.Book(sessions, Incident(1, service: "checkout"), rules, Now);
        var second = ReviewPlanner.Book(sessions, Incident(2, service: "search"), rules, Now);
        var third = ReviewPlanner.Book(sessions, Incident(3, service: "billing"), rules, Now);

        Assert.Equal((Week1, 1), (first.SessionStartUtc!.Value, first.Slot!.Value));
        Assert.Equal((Week1, 2), (second.SessionStartUtc!.Value, second.Slot!.Value));
        Assert.Equal((Week2, 1), (third.SessionStartUtc!.Value, third.Slot!.Value));
        Assert.Equal([1L, 2L], Ids(At(sessions, Week1)));
        Assert.Equal([3L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Book_SameIncidentTwice_ReportsAlreadyBookedWithItsSlot()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Book(sessions, Incident(1), Rules(), Now);
        ReviewPlanner.Book(sessions, Incident(2), Rules(), Now);

        var again = ReviewPlanner.Book(sessions, Incident(2), Rules(), Now);

        Assert.Equal(BookingOutcome.AlreadyBooked, again.Outcome);
        Assert.Equal(Week1, again.SessionStartUtc);
        Assert.Equal(2, again.Slot);
        Assert.Equal([1L, 2L], Ids(Assert.Single(sessions)));
    }

    [Fact]
    public void Book_RelatedIncident_JoinsSingleIncidentSessionAsBatch_EvenPastCapacity()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules();

        ReviewPlanner.Book(sessions, Incident(1, service: "payments"), rules, Now);
        var second = ReviewPlanner.Book(sessions, Incident(2, service: "Payments"), rules, Now);
        var third = ReviewPlanner.Book(sessions, Incident(3, service: "PAYMENTS "), rules, Now);

        Assert.True(second.JoinedBatch);
        Assert.True(third.JoinedBatch);
        Assert.Equal((Week1, 3), (third.SessionStartUtc!.Value, third.Slot!.Value));
        var session = Assert.Single(sessions);
        Assert.True(session.IsBatch);
        Assert.Equal(["service:payments"], session.BatchKeys);
        Assert.Equal(3, session.Bookings.Count);
        Assert.Equal(2, ReviewPlanner.CapacityOf(session, rules));
    }

    [Fact]
    public void Book_RelatedByTag_JoinsAsBatch_CaseInsensitively()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Book(sessions, Incident(1, service: "api", tags: ["Postgres", "eu-west"]), Rules(), Now);

        var result = ReviewPlanner.Book(sessions, Incident(2, service: "worker", tags: ["postgres"]), Rules(), Now);

        Assert.True(result.JoinedBatch);
        Assert.Equal(["tag:postgres"], Assert.Single(sessions).BatchKeys);
    }

    [Fact]
    public void Book_ServiceAndTagOfSameName_AreNotRelated()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Book(sessions, Incident(1, service: "db"), Rules(capacity: 3), Now);

        var result = ReviewPlanner.Book(sessions, Incident(2, tags: ["db"]), Rules(capacity: 3), Now);

        Assert.False(result.JoinedBatch);
        Assert.False(Assert.Single(sessions).IsBatch);
    }

    [Fact]
    public void Book_BatchSession_RejectsUnrelatedIncidentEvenWithRoom()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules(capacity: 3);
        ReviewPlanner.Book(sessions, Incident(1, service: "payments"), rules, Now);
        ReviewPlanner.Book(sessions, Incident(2, service: "payments"), rules, Now);

        var unrelated = ReviewPlanner.Book(sessions, Incident(3, service: "search"), rules, Now);

        Assert.Equal(Week2, unrelated.SessionStartUtc);
        Assert.False(unrelated.JoinedBatch);
        Assert.Equal([1L, 2L], Ids(At(sessions, Week1)));
    }

    [Fact]
    public void Book_BatchAtMaxBatchSize_NextRelatedIncidentIsBookedAsUsualElsewhere()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules(maxBatch: 5);
        var results = Enumerable.Range(1, 6)
            .Select(i => ReviewPlanner.Book(sessions, Incident(i, service: "payments"), rules, Now))
            .ToList();

        Assert.All(results.Take(5), r => Assert.Equal(Week1, r.SessionStartUtc));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], Ids(At(sessions, Week1)));
        Assert.Equal(Week2, results[5].SessionStartUtc);
        Assert.Equal(1, results[5].Slot);
        Assert.False(results[5].JoinedBatch);
    }

    [Fact]
    public void Book_RelatedToOnlySomeBookedIncidents_IsBookedAsUsual()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules(capacity: 3);
        ReviewPlanner.Book(sessions, Incident(1, service: "payments"), rules, Now);
        ReviewPlanner.Book(sessions, Incident(2, service: "search"), rules, Now);

        var result = ReviewPlanner.Book(sessions, Incident(3, service: "payments"), rules, Now);

        Assert.False(result.JoinedBatch);
        Assert.Equal((Week1, 3), (result.SessionStartUtc!.Value, result.Slot!.Value));
        Assert.False(At(sessions, Week1).IsBatch);
    }

    [Fact]
    public void Book_RelatedToFullMixedSession_GoesToNextWeekWithoutBatching()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Book(sessions, Incident(1, service: "payments"), Rules(), Now);
        ReviewPlanner.Book(sessions, Incident(2, service: "search"), Rules(), Now);

        var result = ReviewPlanner.Book(sessions, Incident(3, service: "payments"), Rules(), Now);

        Assert.Equal(Week2, result.SessionStartUtc);
        Assert.False(result.JoinedBatch);
    }

    [Fact]
    public void Book_PrefersJoiningBatchInLaterSessionOverEarlierFreeSlot()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules();
        ReviewPlanner.Book(sessions, Incident(1, service: "search"), rules, Now);
        ReviewPlanner.Book(sessions, Incident(2, service: "billing"), rules, Now);
        ReviewPlanner.Book(sessions, Incident(3, service: "payments"), rules, Now);
        Assert.True(ReviewPlanner.Unbook(sessions, 2));

        var related = ReviewPlanner.Book(sessions, Incident(4, service: "payments"), rules, Now);
        var unrelated = ReviewPlanner.Book(sessions, Incident(5, service: "cdn"), rules, Now);

        Assert.True(related.JoinedBatch);
        Assert.Equal(Week2, related.SessionStartUtc);
        Assert.Equal(Week1, unrelated.SessionStartUtc);
        Assert.Equal([1L, 5L], Ids(At(sessions, Week1)));
        Assert.Equal([3L, 4L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Book_RelatedIncidentInFrozenSession_StartsNewSessionInstead()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Book(sessions, Incident(1, service: "payments"), Rules(), Now);
        var afterFreeze = Week1 - TimeSpan.FromHours(47);

        var result = ReviewPlanner.Book(sessions, Incident(2, service: "payments"), Rules(), afterFreeze);

        Assert.False(result.JoinedBatch);
        Assert.Equal(Week2, result.SessionStartUtc);
        Assert.Equal([1L], Ids(At(sessions, Week1)));
    }

    [Fact]
    public void Book_OneMinuteBeforeFreeze_BooksThatSession()
    {
        var sessions = new List<SessionPlan>();
        var oneMinuteBefore = Week1 - TimeSpan.FromHours(48) - TimeSpan.FromMinutes(1);

        var result = ReviewPlanner.Book(sessions, Incident(1), Rules(), oneMinuteBefore);

        Assert.Equal(Week1, result.SessionStartUtc);
    }

    [Fact]
    public void Book_WhenAgendaFrozenOneMinuteAgo_BooksFollowingWeek()
    {
        var sessions = new List<SessionPlan>();
        var oneMinuteAfter = Week1 - TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1);

        var result = ReviewPlanner.Book(sessions, Incident(1), Rules(), oneMinuteAfter);

        Assert.Equal(Week2, result.SessionStartUtc);
        Assert.DoesNotContain(sessions, s => s.StartUtc == Week1);
    }

    [Fact]
    public void Book_ExactlyAtFreezeInstant_SessionIsAlreadyFrozen()
    {
        var sessions = new List<SessionPlan>();

        var result = ReviewPlanner.Book(sessions, Incident(1), Rules(), Week1 - TimeSpan.FromHours(48));

        Assert.Equal(Week2, result.SessionStartUtc);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    public void IsFrozen_FromFreezeInstantOn(int minutesFromFreeze, bool frozen)
    {
        var session = new SessionPlan(Week1);
        var now = Week1 - TimeSpan.FromHours(48) + TimeSpan.FromMinutes(minutesFromFreeze);

        Assert.Equal(frozen, ReviewPlanner.IsFrozen(session, Rules(), now));
    }

    [Fact]
    public void Book_BelowSeverityLine_IsNotBooked()
    {
        var sessions = new List<SessionPlan>();

        var result = ReviewPlanner.Book(sessions, Incident(1, severity: "SEV4"), Rules(), Now);

        Assert.Equal(BookingOutcome.BelowSeverityLine, result.Outcome);
        Assert.Null(result.SessionStartUtc);
        Assert.Null(result.Slot);
        Assert.Empty(sessions);
        Assert.Contains("SEV4", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Book_BelowSeverityLine_WhenForced_IsBooked()
    {
        var sessions = new List<SessionPlan>();

        var result = ReviewPlanner.Book(sessions, Incident(1, severity: "SEV4"), Rules(), Now, force: true);

        Assert.Equal(BookingOutcome.Booked, result.Outcome);
        Assert.Equal(Week1, result.SessionStartUtc);
    }

    [Theory]
    [InlineData("SEV1")]
    [InlineData("sev2")]
    [InlineData("SEV3")]
    public void Book_AtOrAboveSeverityLine_IsBooked(string severity)
    {
        var result = ReviewPlanner.Book([], Incident(1, severity: severity), Rules(), Now);

        Assert.Equal(BookingOutcome.Booked, result.Outcome);
    }

    [Fact]
    public void Book_UnknownSeverity_IsTreatedAsBelowTheLine()
    {
        var result = ReviewPlanner.Book([], Incident(1, severity: "P0"), Rules(), Now);

        Assert.Equal(BookingOutcome.BelowSeverityLine, result.Outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Book_CancelledOrDuplicate_IsNeverBooked_EvenWhenForced(bool force)
    {
        var sessions = new List<SessionPlan>();

        var result = ReviewPlanner.Book(sessions, Incident(1, severity: "SEV1", cancelled: true), Rules(), Now, force);

        Assert.Equal(BookingOutcome.NotReviewable, result.Outcome);
        Assert.Empty(sessions);
    }

    [Fact]
    public void Book_BacklogOfTen_SpreadsOverFollowingWeeks_AndWarnsOnceNextTwoSessionsAreFull()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules();
        var services = new[] { "api", "web", "db", "cdn", "dns", "auth", "mail", "queue", "search", "billing" };

        var results = services.Select((service, i) => ReviewPlanner.Book(sessions, Incident(i + 1, service: service), rules, Now)).ToList();

        Assert.All(results, r => Assert.Equal(BookingOutcome.Booked, r.Outcome));
        Assert.Equal(
            [Week1, Week1, Week2, Week2, Week3, Week3, Week4, Week4, Week5, Week5],
            results.Select(r => r.SessionStartUtc!.Value));
        Assert.Equal([1, 2, 1, 2, 1, 2, 1, 2, 1, 2], results.Select(r => r.Slot!.Value));
        Assert.Equal(
            [false, false, false, true, true, true, true, true, true, true],
            results.Select(r => r.BacklogWarning));
        Assert.Contains("Backlog", results[3].Reason, StringComparison.Ordinal);
        Assert.Equal(5, sessions.Count);
    }

    [Fact]
    public void Book_BacklogWarning_LooksOnlyAtNonFrozenSessions()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules();
        for (var i = 1; i <= 4; i++)
        {
            ReviewPlanner.Book(sessions, Incident(i), rules, Now);
        }

        // Week 1 freezes: the next two open sessions are now weeks 2 (full) and 3 (empty until this booking).
        var afterWeek1Froze = Week1 - TimeSpan.FromHours(47);
        var fifth = ReviewPlanner.Book(sessions, Incident(5), rules, afterWeek1Froze);
        var sixth = ReviewPlanner.Book(sessions, Incident(6), rules, afterWeek1Froze);

        Assert.Equal(Week3, fifth.SessionStartUtc);
        Assert.False(fifth.BacklogWarning);
        Assert.True(sixth.BacklogWarning);
    }

    [Fact]
    public void Book_BacklogWarningOff_WhenWarnSessionsIsZero()
    {
        var sessions = new List<SessionPlan>();
        var rules = Rules(warnSessions: 0);

        var results = Enumerable.Range(1, 6).Select(i => ReviewPlanner.Book(sessions, Incident(i), rules, Now)).ToList();

        Assert.All(results, r => Assert.False(r.BacklogWarning));
    }

    [Fact]
    public void Book_SkipsCancelledSession()
    {
        var sessions = new List<SessionPlan> { new(Week1) { Cancelled = true } };

        var result = ReviewPlanner.Book(sessions, Incident(1), Rules(), Now);

        Assert.Equal(Week2, result.SessionStartUtc);
        Assert.Empty(sessions[0].Bookings);
    }

    [Fact]
    public void Book_InvalidRules_AreRefused()
    {
        var rules = Rules() with { MinimumSeverity = "SEV9" };

        Assert.Throws<ArgumentException>(() => ReviewPlanner.Book([], Incident(1), rules, Now));
    }
}
