using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

public class ReviewPlannerFacilitatorTests
{
    private static List<SessionPlan> BookAll(ReviewRules rules, DateTime now, params ReviewCandidate[] incidents)
    {
        var sessions = new List<SessionPlan>();
        foreach (var incident in incidents)
        {
            Assert.Equal(BookingOutcome.Booked, ReviewPlanner.Book(sessions, incident, rules, now).Outcome);
        }

        return sessions;
    }

    [Fact]
    public void Move_ToOpenSessionWithRoom_MovesBookingAndFreesOldSlot()
    {
        var sessions = BookAll(Rules(), Now, Incident(1), Incident(2), Incident(3));

        var result = ReviewPlanner.Move(sessions, 1, Week3Date, Rules(), Now);

        Assert.Equal(BookingOutcome.Booked, result.Outcome);
        Assert.Equal((Week3, 1), (result.SessionStartUtc!.Value, result.Slot!.Value));
        Assert.Equal([2L], Ids(At(sessions, Week1)));
        Assert.Equal([1L], Ids(At(sessions, Week3)));
    }

    [Fact]
    public void Move_ToFrozenSession_Throws()
    {
        var now = Week3 - TimeSpan.FromHours(30);
        var sessions = BookAll(Rules(), now, Incident(1));
        Assert.Equal(Week4, sessions[0].StartUtc);

        var error = Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 1, Week3Date, Rules(), now));

        Assert.Equal("The session on 2026-12-01 is frozen (agenda fixed 48 h ahead).", error.Message);
        Assert.Equal([1L], Ids(At(sessions, Week4)));
    }

    [Fact]
    public void Move_ToFullSession_Throws()
    {
        var sessions = BookAll(Rules(), Now, Incident(1), Incident(2), Incident(3));

        var error = Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 3, Week1Date, Rules(), Now));

        Assert.Contains("full", error.Message, StringComparison.Ordinal);
        Assert.Equal([3L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Move_ToDateWithoutSession_Throws()
    {
        var sessions = BookAll(Rules(), Now, Incident(1));

        var error = Assert.Throws<ReviewRuleException>(
            () => ReviewPlanner.Move(sessions, 1, new DateOnly(2026, 11, 25), Rules(), Now));

        Assert.Contains("2026-11-25", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tuesdays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Move_UnbookedIncident_Throws()
    {
        var sessions = BookAll(Rules(), Now, Incident(1));

        Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 42, Week2Date, Rules(), Now));
    }

    [Fact]
    public void ReviewRuleException_IsAnIncidentRuleException_SoAdaptersShowItAsIs()
    {
        var sessions = BookAll(Rules(), Now, Incident(1));

        Assert.ThrowsAny<IncidentRuleException>(() => ReviewPlanner.Move(sessions, 42, Week2Date, Rules(), Now));
    }

    [Fact]
    public void Move_ToCancelledSession_Throws()
    {
        var sessions = BookAll(Rules(), Now, Incident(1));
        ReviewPlanner.Skip(sessions, Week2Date, Rules(), Now);

        var error = Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 1, Week2Date, Rules(), Now));

        Assert.Contains("cancelled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Move_UnrelatedIncidentIntoBatch_Throws()
    {
        var rules = Rules(capacity: 3);
        var sessions = BookAll(rules, Now, Incident(1, service: "payments"), Incident(2, service: "payments"));
        var other = ReviewPlanner.Book(sessions, Incident(3, service: "search"), rules, Now);
        Assert.Equal(Week2, other.SessionStartUtc);

        var error = Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 3, Week1Date, rules, Now));

        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Move_RelatedIncidentIntoFullSingleIncidentSession_JoinsAsBatch()
    {
        var rules = Rules(capacity: 1);
        var sessions = BookAll(rules, Now, Incident(1, service: "search"), Incident(2, service: "payments"), Incident(3, service: "payments"));
        Assert.Equal([2L, 3L], Ids(At(sessions, Week2)));
        ReviewPlanner.Move(sessions, 3, Week3Date, rules, Now);

        var result = ReviewPlanner.Move(sessions, 3, Week2Date, rules, Now);

        Assert.True(result.JoinedBatch);
        Assert.Equal([2L, 3L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Move_ToItsOwnSession_ReportsAlreadyBooked()
    {
        var sessions = BookAll(Rules(), Now, Incident(1), Incident(2));

        var result = ReviewPlanner.Move(sessions, 2, Week1Date, Rules(), Now);

        Assert.Equal(BookingOutcome.AlreadyBooked, result.Outcome);
        Assert.Equal([1L, 2L], Ids(At(sessions, Week1)));
    }

    [Fact]
    public void Extend_AddsOneSlotToThatSessionOnly()
    {
        var rules = Rules();
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Extend(sessions, Week1Date, rules, Now);

        var results = Enumerable.Range(1, 6).Select(i => ReviewPlanner.Book(sessions, Incident(i), rules, Now)).ToList();

        Assert.Equal([1L, 2L, 3L], Ids(At(sessions, Week1)));
        Assert.Equal([4L, 5L], Ids(At(sessions, Week2)));
        Assert.Equal([6L], Ids(At(sessions, Week3)));
        Assert.Equal(3, ReviewPlanner.CapacityOf(At(sessions, Week1), rules));
        Assert.Equal(2, ReviewPlanner.CapacityOf(At(sessions, Week2), rules));
        Assert.Equal(3, results[2].Slot);
    }

    [Fact]
    public void Move_IntoFullSessionAfterExtending_Succeeds()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1), Incident(2), Incident(3));

        ReviewPlanner.Extend(sessions, Week1Date, rules, Now);
        var result = ReviewPlanner.Move(sessions, 3, Week1Date, rules, Now);

        Assert.Equal((Week1, 3), (result.SessionStartUtc!.Value, result.Slot!.Value));
        Assert.Empty(At(sessions, Week2).Bookings);
    }

    [Fact]
    public void Move_WithExtend_ExtendsFullTargetByOneSlotOnly()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1), Incident(2), Incident(3), Incident(4));

        var result = ReviewPlanner.Move(sessions, 3, Week1Date, rules, Now, extend: true);

        Assert.Equal((Week1, 3), (result.SessionStartUtc!.Value, result.Slot!.Value));
        Assert.Equal(1, At(sessions, Week1).ExtraCapacity);
        Assert.Equal(0, At(sessions, Week2).ExtraCapacity);
        Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Move(sessions, 4, Week1Date, rules, Now));
    }

    [Fact]
    public void Extend_FrozenSession_Throws()
    {
        var now = Week1 - TimeSpan.FromHours(1);

        Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Extend([], Week1Date, Rules(), now));
    }

    [Fact]
    public void Skip_MovesBookingsToNextSessions_KeepingTheirOrder()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1), Incident(2), Incident(3));

        var results = ReviewPlanner.Skip(sessions, Week1Date, rules, Now);

        Assert.True(At(sessions, Week1).Cancelled);
        Assert.Empty(At(sessions, Week1).Bookings);
        Assert.Equal([1L, 2L], results.Select(r => r.IncidentId));
        Assert.Equal([Week2, Week3], results.Select(r => r.SessionStartUtc!.Value));
        Assert.Equal([3L, 1L], Ids(At(sessions, Week2)));
        Assert.Equal([2L], Ids(At(sessions, Week3)));
    }

    [Fact]
    public void Skip_IntoEmptyWeek_KeepsSlotOrder()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(7), Incident(3));

        ReviewPlanner.Skip(sessions, Week1Date, rules, Now);

        Assert.Equal([7L, 3L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Skip_RebooksOnlyIntoSessionsAfterTheSkippedOne()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1), Incident(2), Incident(3), Incident(4));
        ReviewPlanner.Unbook(sessions, 2);

        ReviewPlanner.Skip(sessions, Week2Date, rules, Now);

        Assert.Equal([1L], Ids(At(sessions, Week1)));
        Assert.Equal([3L, 4L], Ids(At(sessions, Week3)));
    }

    [Fact]
    public void Skip_ThenBook_NewIncidentsAvoidTheCancelledSession()
    {
        var rules = Rules();
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Skip(sessions, Week1Date, rules, Now);

        var result = ReviewPlanner.Book(sessions, Incident(1), rules, Now);

        Assert.Equal(Week2, result.SessionStartUtc);
    }

    [Fact]
    public void Skip_TwiceOrNonSessionDate_Throws()
    {
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Skip(sessions, Week1Date, Rules(), Now);

        Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Skip(sessions, Week1Date, Rules(), Now));
        Assert.Throws<ReviewRuleException>(() => ReviewPlanner.Skip(sessions, new DateOnly(2026, 11, 18), Rules(), Now));
    }

    [Fact]
    public void Skip_DropsIncidentsCancelledSinceBooking()
    {
        var sessions = BookAll(Rules(), Now, Incident(1), Incident(2));
        At(sessions, Week1).Bookings[0] = Incident(1, cancelled: true);

        var results = ReviewPlanner.Skip(sessions, Week1Date, Rules(), Now);

        Assert.Equal([BookingOutcome.NotReviewable, BookingOutcome.Booked], results.Select(r => r.Outcome));
        Assert.Equal([2L], Ids(At(sessions, Week2)));
    }

    [Fact]
    public void Unbook_RemovesBookingOnce()
    {
        var sessions = BookAll(Rules(), Now, Incident(1), Incident(2));

        Assert.True(ReviewPlanner.Unbook(sessions, 1));
        Assert.False(ReviewPlanner.Unbook(sessions, 1));
        Assert.Equal([2L], Ids(At(sessions, Week1)));
    }

    [Fact]
    public void FreezeDue_SessionWithBookings_IsAnnouncedAsAgenda()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1));
        var freeze = Week1 - TimeSpan.FromHours(48);

        var due = ReviewPlanner.FreezeDue(sessions, rules, freeze - TimeSpan.FromMinutes(1), freeze);

        var (session, cancelled) = Assert.Single(due);
        Assert.Equal(Week1, session.StartUtc);
        Assert.False(cancelled);
        Assert.False(session.Cancelled);
    }

    [Fact]
    public void FreezeDue_EmptySession_IsCancelledAtFreezeTime()
    {
        var rules = Rules();
        var sessions = new List<SessionPlan>();
        ReviewPlanner.Extend(sessions, Week1Date, rules, Now);
        var freeze = Week1 - TimeSpan.FromHours(48);

        var before = ReviewPlanner.FreezeDue(sessions, rules, freeze - TimeSpan.FromMinutes(2), freeze - TimeSpan.FromMinutes(1));
        var due = ReviewPlanner.FreezeDue(sessions, rules, freeze - TimeSpan.FromMinutes(1), freeze);

        Assert.Empty(before);
        var (session, cancelled) = Assert.Single(due);
        Assert.True(cancelled);
        Assert.True(session.Cancelled);
        Assert.Same(sessions[0], session);
    }

    [Fact]
    public void FreezeDue_SessionNobodyBooked_IsGeneratedAndCancelled()
    {
        var rules = Rules();
        var sessions = new List<SessionPlan>();
        var freeze = Week2 - TimeSpan.FromHours(48);

        var due = ReviewPlanner.FreezeDue(sessions, rules, freeze - TimeSpan.FromMinutes(1), freeze + TimeSpan.FromMinutes(1));

        var (session, cancelled) = Assert.Single(due);
        Assert.Equal(Week2, session.StartUtc);
        Assert.True(cancelled);
        Assert.Same(session, Assert.Single(sessions));
    }

    [Fact]
    public void FreezeDue_WindowExcludesLastCheckAndSkippedSessions()
    {
        var rules = Rules();
        var sessions = BookAll(rules, Now, Incident(1), Incident(2), Incident(3));
        ReviewPlanner.Skip(sessions, Week2Date, rules, Now);
        var freeze1 = Week1 - TimeSpan.FromHours(48);
        var freeze2 = Week2 - TimeSpan.FromHours(48);

        var fromFreeze1 = ReviewPlanner.FreezeDue(sessions, rules, freeze1, freeze2 + TimeSpan.FromMinutes(1));
        var wholeRange = ReviewPlanner.FreezeDue(sessions, rules, freeze1 - TimeSpan.FromMinutes(1), freeze2 + TimeSpan.FromMinutes(1));

        Assert.Empty(fromFreeze1);
        var (session, cancelled) = Assert.Single(wholeRange);
        Assert.Equal(Week1, session.StartUtc);
        Assert.False(cancelled);
    }
}
