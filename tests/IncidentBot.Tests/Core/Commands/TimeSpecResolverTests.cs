using IncidentBot.Core.Commands;

namespace IncidentBot.Tests.Core.Commands;

public class TimeSpecResolverTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static void AssertUtc(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(TimeSpan.Zero, actual.Offset);
    }

    [Fact]
    public void Resolve_Ago_SubtractsFromNow()
    {
        var now = new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.FromHours(1));

        AssertUtc(Utc(2026, 11, 21, 13, 30), TimeSpecResolver.Resolve(new AgoTimeSpec(TimeSpan.FromMinutes(90)), now, Berlin));
    }

    [Fact]
    public void Resolve_AbsoluteWithOffset_IsSameInstantInUtc()
    {
        var spec = new AbsoluteTimeSpec(new DateTimeOffset(2026, 11, 21, 14, 5, 0, TimeSpan.FromHours(2)));

        AssertUtc(Utc(2026, 11, 21, 12, 5), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 22, 0, 0), NewYork));
    }

    [Fact]
    public void Resolve_ParsedAbsoluteWithOffset_IgnoresZone()
    {
        Assert.True(TimeSpecParser.TryParse("2026-11-21T14:05+02:00", out var spec));

        AssertUtc(Utc(2026, 11, 21, 12, 5), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 22, 0, 0), Berlin));
    }

    [Theory]
    [InlineData(15, 0, 2026, 11, 21, 14, 5)] // 14:05Z already passed today
    [InlineData(13, 0, 2026, 11, 20, 14, 5)] // 14:05Z not yet today: yesterday's
    public void Resolve_AbsoluteTimeOfDay_IsMostRecentPastOccurrence(int nowHour, int nowMinute, int year, int month, int day, int hour, int minute)
    {
        Assert.True(TimeSpecParser.TryParse("14:05Z", out var spec));

        AssertUtc(Utc(year, month, day, hour, minute), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, nowHour, nowMinute), Berlin));
    }

    [Fact]
    public void Resolve_AbsoluteTimeOfDayWithOffset_UsesThatOffsetsDate()
    {
        // Now is 23:30Z on the 21st = 01:30 on the 22nd at +02:00; "01:00+02:00" is 23:00Z on the 21st.
        Assert.True(TimeSpecParser.TryParse("01:00+02:00", out var spec));

        AssertUtc(Utc(2026, 11, 21, 23, 0), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 23, 30), NewYork));
    }

    [Fact]
    public void Resolve_LocalTimeEarlierToday_IsTodayInZone()
    {
        // 15:00Z = 16:00 in Berlin (CET, +1).
        var spec = new LocalTimeSpec(null, new TimeOnly(14, 5));

        AssertUtc(Utc(2026, 11, 21, 13, 5), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 15, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeLaterThanNow_IsYesterdayInZone()
    {
        var spec = new LocalTimeSpec(null, new TimeOnly(17, 0));

        AssertUtc(Utc(2026, 11, 20, 16, 0), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 15, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeEqualToNow_IsNow()
    {
        var spec = new LocalTimeSpec(null, new TimeOnly(16, 0));

        AssertUtc(Utc(2026, 11, 21, 15, 0), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 15, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeJustAfterMidnightInZone_UsesZonesDateNotUtcDate()
    {
        // 23:30Z on the 21st is 00:30 on the 22nd in Berlin; "00:15" is 23:15Z on the 21st.
        var spec = new LocalTimeSpec(null, new TimeOnly(0, 15));

        AssertUtc(Utc(2026, 11, 21, 23, 15), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 23, 30), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeInNegativeOffsetZone_UsesThatZone()
    {
        // 03:00Z on the 22nd is 22:00 on the 21st in New York (EST, -5); "21:00" is 02:00Z on the 22nd.
        var spec = new LocalTimeSpec(null, new TimeOnly(21, 0));

        AssertUtc(Utc(2026, 11, 22, 2, 0), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 22, 3, 0), NewYork));
    }

    [Theory]
    [InlineData(1, 15, 12, 5)] // January: CET, +1
    [InlineData(7, 1, 11, 5)] // July: CEST, +2
    public void Resolve_LocalTimeWithDate_UsesZoneOffsetOnThatDate(int month, int day, int utcHour, int utcMinute)
    {
        var spec = new LocalTimeSpec(new DateOnly(2026, month, day), new TimeOnly(13, 5));

        AssertUtc(Utc(2026, month, day, utcHour, utcMinute), TimeSpecResolver.Resolve(spec, Utc(2026, 11, 21, 0, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeInSpringForwardGap_ShiftsForwardByTheGap()
    {
        // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 never happens; it means 03:30 CEST = 01:30Z.
        var spec = new LocalTimeSpec(new DateOnly(2026, 3, 29), new TimeOnly(2, 30));

        var resolved = TimeSpecResolver.Resolve(spec, Utc(2026, 3, 30, 0, 0), Berlin);

        AssertUtc(Utc(2026, 3, 29, 1, 30), resolved);
        Assert.Equal(new DateTime(2026, 3, 29, 3, 30, 0), TimeZoneInfo.ConvertTime(resolved, Berlin).DateTime);
    }

    [Fact]
    public void Resolve_LocalTimeInFallBackOverlap_TakesFirstOccurrence()
    {
        // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice; the first is CEST = 00:30Z.
        var spec = new LocalTimeSpec(new DateOnly(2026, 10, 25), new TimeOnly(2, 30));

        AssertUtc(Utc(2026, 10, 25, 0, 30), TimeSpecResolver.Resolve(spec, Utc(2026, 10, 26, 0, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeWithoutDateOnFallBackDay_TakesFirstOccurrenceToday()
    {
        var spec = new LocalTimeSpec(null, new TimeOnly(2, 30));

        AssertUtc(Utc(2026, 10, 25, 0, 30), TimeSpecResolver.Resolve(spec, Utc(2026, 10, 25, 9, 0), Berlin));
    }

    [Fact]
    public void Resolve_LocalTimeOutsideDstChanges_IsUnambiguous()
    {
        var spec = new LocalTimeSpec(new DateOnly(2026, 10, 25), new TimeOnly(3, 30));

        AssertUtc(Utc(2026, 10, 25, 2, 30), TimeSpecResolver.Resolve(spec, Utc(2026, 10, 26, 0, 0), Berlin));
    }
}
