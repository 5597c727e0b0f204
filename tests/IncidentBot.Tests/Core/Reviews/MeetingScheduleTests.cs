using IncidentBot.Core.Reviews;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

public class MeetingScheduleTests
{
    [Fact]
    public void StartsFrom_IncludesStartEqualToFrom_AndIsWeekly()
    {
        var starts = Meeting().StartsFrom(Week1, 3);

        Assert.Equal([Week1, Week2, Week3], starts);
        Assert.All(starts, s => Assert.Equal(DateTimeKind.Utc, s.Kind));
    }

    [Fact]
    public void StartsFrom_OneSecondAfterStart_BeginsNextWeek()
    {
        var first = Meeting().StartsFrom(Week1.AddSeconds(1)).First();

        Assert.Equal(Week2, first);
    }

    [Fact]
    public void StartsFrom_EuropeBerlin_SpringForwardWeek_StaysAt1600LocalAndShiftsUtcByOneHour()
    {
        var meeting = Meeting(Berlin);

        var starts = meeting.StartsFrom(Utc(2026, 3, 20, 0, 0), 2);

        Assert.Equal([Utc(2026, 3, 24, 15, 0), Utc(2026, 3, 31, 14, 0)], starts);
        Assert.All(starts, s => Assert.Equal(new TimeOnly(16, 0), TimeOnly.FromDateTime(meeting.LocalStart(s))));
    }

    [Fact]
    public void StartsFrom_EuropeBerlin_FallBackWeek_StaysAt1600LocalAndShiftsUtcBack()
    {
        var meeting = Meeting(Berlin);

        var starts = meeting.StartsFrom(Utc(2026, 10, 16, 0, 0), 2);

        Assert.Equal([Utc(2026, 10, 20, 14, 0), Utc(2026, 10, 27, 15, 0)], starts);
        Assert.All(starts, s => Assert.Equal(16, meeting.LocalStart(s).Hour));
    }

    [Fact]
    public void StartsFrom_AmericaNewYork_BothDstChanges_StayAt1600Local()
    {
        var meeting = Meeting(NewYork);

        var spring = meeting.StartsFrom(Utc(2026, 3, 1, 0, 0), 2);
        var autumn = meeting.StartsFrom(Utc(2026, 10, 24, 0, 0), 2);

        Assert.Equal([Utc(2026, 3, 3, 21, 0), Utc(2026, 3, 10, 20, 0)], spring);
        Assert.Equal([Utc(2026, 10, 27, 20, 0), Utc(2026, 11, 3, 21, 0)], autumn);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Australia/Sydney")]
    public void StartsFrom_ForTwoYears_AlwaysTuesday1600Local(string zoneId)
    {
        var meeting = Meeting(TimeZoneInfo.FindSystemTimeZoneById(zoneId));

        var starts = meeting.StartsFrom(Utc(2026, 1, 1, 0, 0), 104);

        Assert.All(starts, s =>
        {
            var local = meeting.LocalStart(s);
            Assert.Equal(DayOfWeek.Tuesday, local.DayOfWeek);
            Assert.Equal(new TimeOnly(16, 0), TimeOnly.FromDateTime(local));
        });
        Assert.Equal(4, starts.Zip(starts.Skip(1), (a, b) => b - a).Count(d => d != TimeSpan.FromDays(7)));
    }

    [Fact]
    public void StartsFrom_NonExistentLocalTime_ShiftsForwardByTheGap()
    {
        var meeting = Meeting(Berlin, DayOfWeek.Sunday, 2, 30);

        var start = meeting.StartsFrom(Utc(2026, 3, 28, 0, 0)).First();

        Assert.Equal(Utc(2026, 3, 29, 1, 30), start);
        Assert.Equal(new DateTime(2026, 3, 29, 3, 30, 0), meeting.LocalStart(start));
    }

    [Fact]
    public void StartsFrom_AmbiguousLocalTime_TakesFirstOccurrence()
    {
        var meeting = Meeting(Berlin, DayOfWeek.Sunday, 2, 30);

        var start = meeting.StartsFrom(Utc(2026, 10, 24, 0, 0)).First();

        Assert.Equal(Utc(2026, 10, 25, 0, 30), start);
    }

    [Fact]
    public void StartOn_NonMeetingDay_IsNull_AndMeetingDayGivesUtcStart()
    {
        var meeting = Meeting(Berlin);

        Assert.Null(meeting.StartOn(new DateOnly(2026, 3, 25)));
        Assert.Equal(Utc(2026, 3, 31, 14, 0), meeting.StartOn(new DateOnly(2026, 3, 31)));
    }

    [Fact]
    public void Book_AcrossBerlinSpringForward_FreezeCountsRealHours()
    {
        var rules = ReviewRules.WithDefaults(Meeting(Berlin));
        var session = Utc(2026, 3, 31, 14, 0);

        var justBefore = ReviewPlanner.Book([], Incident(1), rules, session - TimeSpan.FromHours(48) - TimeSpan.FromMinutes(1));
        var justAfter = ReviewPlanner.Book([], Incident(1), rules, session - TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1));

        Assert.Equal(session, justBefore.SessionStartUtc);
        Assert.Equal(Utc(2026, 4, 7, 14, 0), justAfter.SessionStartUtc);
    }
}
