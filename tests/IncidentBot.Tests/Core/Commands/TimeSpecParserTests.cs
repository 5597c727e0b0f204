using System.Globalization;
using IncidentBot.Core.Commands;

namespace IncidentBot.Tests.Core.Commands;

public class TimeSpecParserTests
{
    [Theory]
    [InlineData("2026-11-21T14:05Z", "2026-11-21T14:05:00+00:00")]
    [InlineData("2026-11-21t14:05z", "2026-11-21T14:05:00+00:00")]
    [InlineData("2026-11-21 14:05 UTC", "2026-11-21T14:05:00+00:00")]
    [InlineData("2026-11-21 14:05 gmt", "2026-11-21T14:05:00+00:00")]
    [InlineData("2026-11-21 14:05Z", "2026-11-21T14:05:00+00:00")]
    [InlineData("2026-11-21T14:05:30Z", "2026-11-21T14:05:30+00:00")]
    [InlineData("2026-11-21T14:05:30.250Z", "2026-11-21T14:05:30+00:00")]
    [InlineData("2026-11-21T14:05+02:00", "2026-11-21T14:05:00+02:00")]
    [InlineData("2026-11-21 14:05 +0200", "2026-11-21T14:05:00+02:00")]
    [InlineData("2026-11-21T14:05-05:00", "2026-11-21T14:05:00-05:00")]
    [InlineData("2026-11-21 14:05 UTC+5:30", "2026-11-21T14:05:00+05:30")]
    [InlineData("2026-11-21 2:05pm UTC", "2026-11-21T14:05:00+00:00")]
    public void TryParse_DateTimeWithZone_IsAbsolute(string text, string expected)
    {
        Assert.True(TimeSpecParser.TryParse(text, out var spec));

        var absolute = Assert.IsType<AbsoluteTimeSpec>(spec);
        var at = DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture);
        Assert.Equal(at, absolute.At);
        Assert.Equal(at.Offset, absolute.At.Offset);
        Assert.False(absolute.TimeOfDayOnly);
    }

    [Theory]
    [InlineData("14:05Z", 14, 5, 0)]
    [InlineData("14:05 UTC", 14, 5, 0)]
    [InlineData("14:05+02:00", 14, 5, 120)]
    [InlineData("9:30 -04:00", 9, 30, -240)]
    [InlineData("2:05pm z", 14, 5, 0)]
    public void TryParse_TimeWithZoneButNoDate_IsAbsoluteTimeOfDay(string text, int hour, int minute, int offsetMinutes)
    {
        Assert.True(TimeSpecParser.TryParse(text, out var spec));

        var absolute = Assert.IsType<AbsoluteTimeSpec>(spec);
        Assert.True(absolute.TimeOfDayOnly);
        Assert.Equal(new TimeSpan(hour, minute, 0), absolute.At.TimeOfDay);
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), absolute.At.Offset);
    }

    [Theory]
    [InlineData("14:05", 14, 5, 0)]
    [InlineData("9:05", 9, 5, 0)]
    [InlineData("09:05", 9, 5, 0)]
    [InlineData("00:00", 0, 0, 0)]
    [InlineData("23:59:59", 23, 59, 59)]
    [InlineData("2:05pm", 14, 5, 0)]
    [InlineData("2:05 PM", 14, 5, 0)]
    [InlineData("2:05 p.m.", 14, 5, 0)]
    [InlineData("2pm", 14, 0, 0)]
    [InlineData("11am", 11, 0, 0)]
    [InlineData("12am", 0, 0, 0)]
    [InlineData("12:30pm", 12, 30, 0)]
    [InlineData("12:30 AM", 0, 30, 0)]
    public void TryParse_TimeWithoutZone_IsLocalWithoutDate(string text, int hour, int minute, int second)
    {
        Assert.True(TimeSpecParser.TryParse(text, out var spec));

        Assert.Equal(new LocalTimeSpec(null, new TimeOnly(hour, minute, second)), spec);
    }

    [Theory]
    [InlineData("2026-11-21 14:05")]
    [InlineData("2026-11-21T14:05")]
    [InlineData("2026-11-21 2:05pm")]
    public void TryParse_DateAndTimeWithoutZone_IsLocalWithDate(string text)
    {
        Assert.True(TimeSpecParser.TryParse(text, out var spec));

        Assert.Equal(new LocalTimeSpec(new DateOnly(2026, 11, 21), new TimeOnly(14, 5)), spec);
    }

    [Theory]
    [InlineData("45m ago", 45)]
    [InlineData("1h30m ago", 90)]
    [InlineData("1h 30m ago", 90)]
    [InlineData("2 hours ago", 120)]
    [InlineData("90 minutes ago", 90)]
    [InlineData("1h ago", 60)]
    [InlineData("1 hour 30 minutes ago", 90)]
    [InlineData("1 hour and 30 minutes ago", 90)]
    [InlineData("an hour ago", 60)]
    [InlineData("a minute ago", 1)]
    [InlineData("2 hrs, 5 mins ago", 125)]
    [InlineData("1d ago", 1440)]
    [InlineData("45M AGO", 45)]
    [InlineData("45min\u00A0ago", 45)]
    [InlineData("now", 0)]
    public void TryParse_Relative_IsAgo(string text, int minutes)
    {
        Assert.True(TimeSpecParser.TryParse(text, out var spec));

        Assert.Equal(new AgoTimeSpec(TimeSpan.FromMinutes(minutes)), spec);
    }

    [Fact]
    public void TryParse_SecondsAgo_IsAgo()
    {
        Assert.True(TimeSpecParser.TryParse("30 sec ago", out var spec));

        Assert.Equal(new AgoTimeSpec(TimeSpan.FromSeconds(30)), spec);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("yesterday")]
    [InlineData("14")]
    [InlineData("25:00")]
    [InlineData("24:00")]
    [InlineData("14:60")]
    [InlineData("14:05:60")]
    [InlineData("13pm")]
    [InlineData("0am")]
    [InlineData("14:5")]
    [InlineData("2026-11-21")]
    [InlineData("2026-02-30 10:00")]
    [InlineData("2026-13-01 10:00")]
    [InlineData("1900-01-01 10:00Z")]
    [InlineData("14:05 CET")]
    [InlineData("14:05+15:00")]
    [InlineData("14:05+02:60")]
    [InlineData("ago")]
    [InlineData("45 ago")]
    [InlineData("45x ago")]
    [InlineData("m ago")]
    [InlineData("and 5m ago")]
    [InlineData("9999999 hours ago")]
    [InlineData("400 days ago")]
    [InlineData("5m from now")]
    [InlineData("\u0661\u0664:\u0660\u0665")]
    [InlineData("14:05 and then some more words")]
    public void TryParse_NotATime_ReturnsFalse(string? text)
    {
        Assert.False(TimeSpecParser.TryParse(text, out var spec));
        Assert.Null(spec);
    }

    [Fact]
    public void TryParse_VeryLongInput_ReturnsFalse()
    {
        Assert.False(TimeSpecParser.TryParse(new string('1', 50_000) + "m ago", out _));
    }
}
