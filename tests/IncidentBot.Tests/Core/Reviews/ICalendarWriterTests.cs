using System.Text;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Calendar;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

public class ICalendarWriterTests
{
    private static readonly DateTime Stamp = Utc(2026, 11, 10, 12, 0);

    private static CalendarEvent Event(
        DateTime startUtc, string summary = "Incident review", string? description = null, bool cancelled = false,
        int sequence = 0, string? url = null, string? location = null) =>
        new(CalendarEvent.SessionUid(startUtc), startUtc, startUtc.AddHours(1), summary, description, url, cancelled,
            sequence, Stamp, location);

    private static ICalComponent Calendar(string ics) => Assert.Single(ICalendarReader.Parse(ics));

    private static ICalComponent OnlyEvent(string ics) => Assert.Single(Calendar(ics).ComponentsNamed("VEVENT"));

    private static string[] PhysicalLines(string ics)
    {
        Assert.EndsWith("\r\n", ics, StringComparison.Ordinal);
        return ics[..^2].Split("\r\n");
    }

    [Fact]
    public void Write_HasCalendarHeader()
    {
        var calendar = Calendar(ICalendarWriter.Write([Event(Week1)], "Incident reviews", null));

        Assert.Equal("VCALENDAR", calendar.Name);
        Assert.Equal("2.0", calendar.Text("VERSION"));
        Assert.Equal("-//IncidentBot//Incident reviews//EN", calendar.Text("PRODID"));
        Assert.Equal("GREGORIAN", calendar.Text("CALSCALE"));
        Assert.Equal("PUBLISH", calendar.Text("METHOD"));
        Assert.Equal("Incident reviews", calendar.Text("X-WR-CALNAME"));
    }

    [Fact]
    public void Write_UsesCrlfLineEndingsOnly()
    {
        var ics = ICalendarWriter.Write([Event(Week1, description: "line one\nline two\r\nline three")], "Reviews", Berlin);

        Assert.DoesNotContain("\n", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutZone_UsesUtcFormAndNoVTimeZone()
    {
        var ics = ICalendarWriter.Write([Event(Week1)], "Reviews", null);

        Assert.Contains("\r\nDTSTART:20261117T150000Z\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND:20261117T160000Z\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTSTAMP:20261110T120000Z\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("VTIMEZONE", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("TZID", ics, StringComparison.Ordinal);
        var vevent = OnlyEvent(ics);
        Assert.Equal(Week1, ICalendarReader.ToUtc(vevent.Property("DTSTART")!, null));
    }

    [Fact]
    public void Write_WithUtcZone_UsesUtcForm()
    {
        var ics = ICalendarWriter.Write([Event(Week1)], "Reviews", TimeZoneInfo.Utc);

        Assert.Contains("\r\nDTSTART:20261117T150000Z\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("VTIMEZONE", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithZone_UsesTzidLocalTimesAndExactlyOneVTimeZone()
    {
        var summer = Utc(2026, 6, 16, 14, 0);
        var ics = ICalendarWriter.Write([Event(Week1), Event(summer)], "Reviews", Berlin);

        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20261117T160000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20260616T160000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND;TZID=Europe/Berlin:20260616T170000\r\n", ics, StringComparison.Ordinal);
        var calendar = Calendar(ics);
        var zone = Assert.Single(calendar.ComponentsNamed("VTIMEZONE"));
        Assert.Equal("Europe/Berlin", zone.Text("TZID"));
        Assert.Contains(zone.Components, c => c.Name == "STANDARD" && c.Text("TZOFFSETTO") == "+0100");
        Assert.Contains(zone.Components, c => c.Name == "DAYLIGHT" && c.Text("TZOFFSETTO") == "+0200");
        var daylight = zone.ComponentsNamed("DAYLIGHT").Single(c => c.Text("DTSTART")!.StartsWith("2026", StringComparison.Ordinal));
        Assert.Equal("20260329T020000", daylight.Text("DTSTART"));
        Assert.Equal("+0100", daylight.Text("TZOFFSETFROM"));
        Assert.Equal(
            [Week1, summer],
            calendar.ComponentsNamed("VEVENT").Select(e => ICalendarReader.ToUtc(e.Property("DTSTART")!, calendar)));
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/New_York", true)]
    [InlineData("Australia/Sydney", true)]
    [InlineData("Asia/Tokyo", false)]
    public void Write_VTimeZone_MatchesTheZoneThroughoutTheEventsYears(string zoneId, bool hasDaylight)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var meeting = new MeetingSchedule(DayOfWeek.Tuesday, new TimeOnly(16, 0), zone, TimeSpan.FromHours(1));
        var starts = meeting.StartsFrom(Utc(2025, 1, 1, 0, 0)).TakeWhile(s => s < Utc(2028, 1, 1, 0, 0)).ToList();
        var ics = ICalendarWriter.Write([.. starts.Select(s => Event(s))], "Reviews", zone);

        var calendar = Calendar(ics);
        var vtimezone = ICalTimeZone.FromComponent(Assert.Single(calendar.ComponentsNamed("VTIMEZONE")));
        Assert.Equal(zoneId, vtimezone.Id);
        Assert.Equal(hasDaylight, calendar.ComponentsNamed("VTIMEZONE").Single().ComponentsNamed("DAYLIGHT").Any());

        // Every hour of the events' years: the VTIMEZONE gives the same offset as the system zone.
        for (var t = Utc(2025, 1, 1, 0, 0).AddHours(-14); t < Utc(2028, 1, 1, 0, 0).AddHours(14); t = t.AddHours(1))
        {
            Assert.Equal(zone.GetUtcOffset(t), vtimezone.OffsetAt(t));
        }

        // And every event's TZID wall time reads back, through the VTIMEZONE alone, as its instant.
        var events = calendar.ComponentsNamed("VEVENT").ToList();
        Assert.Equal(starts.Count, events.Count);
        Assert.All(events, e => Assert.Equal(zoneId, e.Property("DTSTART")!.Parameter("TZID")));
        Assert.Equal(starts, events.Select(e => vtimezone.ToUtc(ICalendarReader.ParseDateTime(e.Property("DTSTART")!.Value).Value)));
    }

    [Fact]
    public void Write_SydneyVTimeZone_StartsWithDaylightObservanceFromPreviousOctober()
    {
        var january = Utc(2026, 1, 13, 5, 0);
        var ics = ICalendarWriter.Write([Event(january)], "Reviews", TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney"));

        var zone = Calendar(ics).ComponentsNamed("VTIMEZONE").Single();
        var first = zone.Components[0];
        Assert.Equal("DAYLIGHT", first.Name);
        Assert.Equal("20251005T020000", first.Text("DTSTART"));
        Assert.Equal("+1000", first.Text("TZOFFSETFROM"));
        Assert.Equal("+1100", first.Text("TZOFFSETTO"));
        Assert.Contains("\r\nDTSTART;TZID=Australia/Sydney:20260113T160000\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TokyoVTimeZone_HasOneStandardObservance()
    {
        var ics = ICalendarWriter.Write([Event(Utc(2026, 11, 17, 7, 0))], "Reviews", TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));

        var zone = Calendar(ics).ComponentsNamed("VTIMEZONE").Single();
        var standard = Assert.Single(zone.Components);
        Assert.Equal("STANDARD", standard.Name);
        Assert.Equal("+0900", standard.Text("TZOFFSETFROM"));
        Assert.Equal("+0900", standard.Text("TZOFFSETTO"));
        Assert.Contains("\r\nDTSTART;TZID=Asia/Tokyo:20261117T160000\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SecondOccurrenceOfRepeatedWallTime_FallsBackToUtcForm()
    {
        // 2026-10-25 in Berlin: 02:00-03:00 happens twice; 01:30Z is the second 02:30 (CET).
        var start = Utc(2026, 10, 25, 0, 0);
        var end = Utc(2026, 10, 25, 1, 30);
        var ics = ICalendarWriter.Write(
            [new CalendarEvent("uid-1", start, end, "Review", null, null, false, 0, Stamp)], "Reviews", Berlin);

        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20261025T020000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND:20261025T013000Z\r\n", ics, StringComparison.Ordinal);
        var calendar = Calendar(ics);
        var vevent = calendar.ComponentsNamed("VEVENT").Single();
        Assert.Equal(start, ICalendarReader.ToUtc(vevent.Property("DTSTART")!, calendar));
        Assert.Equal(end, ICalendarReader.ToUtc(vevent.Property("DTEND")!, calendar));
    }

    [Fact]
    public void Write_EscapesCommaSemicolonBackslashAndNewlines_AndReaderRestoresThem()
    {
        const string summary = "Review: db, cache; C:\\temp";
        const string description = "Agenda:\nINC-1, INC-2\r\nBring notes; please";
        var ics = ICalendarWriter.Write([Event(Week1, summary, description, location: "Room 1, 2nd floor")], "Ops; reviews, weekly", null);

        Assert.Contains("\r\nSUMMARY:Review: db\\, cache\\; C:\\\\temp\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDESCRIPTION:Agenda:\\nINC-1\\, INC-2\\nBring notes\\; please\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nX-WR-CALNAME:Ops\\; reviews\\, weekly\r\n", ics, StringComparison.Ordinal);
        var vevent = OnlyEvent(ics);
        Assert.Equal(summary, vevent.Text("SUMMARY"));
        Assert.Equal("Agenda:\nINC-1, INC-2\nBring notes; please", vevent.Text("DESCRIPTION"));
        Assert.Equal("Room 1, 2nd floor", vevent.Text("LOCATION"));
        Assert.Equal("Ops; reviews, weekly", Calendar(ics).Text("X-WR-CALNAME"));
    }

    [Fact]
    public void Write_FoldsLongLinesAt75Octets_NeverInsideAMultiByteCharacter()
    {
        var summary = string.Concat(Enumerable.Repeat("Überprüfung € 😀 naïve, ", 12)) + "end";
        var ics = ICalendarWriter.Write([Event(Week1, summary, description: new string('x', 300))], "Reviews", null);

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var bytes = Encoding.UTF8.GetBytes(ics);
        var lines = SplitOnCrlf(bytes);
        Assert.Contains(lines, l => l.Length > 0 && l[0] == (byte)' ');
        Assert.All(lines, line =>
        {
            Assert.InRange(line.Length, 0, 75);
            strict.GetString(line);
        });
        Assert.Contains(lines, l => l.Length is 73 or 74);
        Assert.Equal(summary, OnlyEvent(ics).Text("SUMMARY"));
        Assert.Equal(new string('x', 300), OnlyEvent(ics).Text("DESCRIPTION"));
    }

    [Fact]
    public void Write_FoldsAsciiLineToExactly75Octets()
    {
        var ics = ICalendarWriter.Write([Event(Week1, new string('a', 200))], "Reviews", null);

        var lines = PhysicalLines(ics);
        var start = Array.FindIndex(lines, l => l.StartsWith("SUMMARY:", StringComparison.Ordinal));
        Assert.Equal(75, lines[start].Length);
        Assert.Equal(75, lines[start + 1].Length);
        Assert.StartsWith(" a", lines[start + 1], StringComparison.Ordinal);
        Assert.Equal(200 - 67 - 74, lines[start + 2].Length - 1);
    }

    [Theory]
    [InlineData(true, "CANCELLED")]
    [InlineData(false, "CONFIRMED")]
    public void Write_Status_FollowsCancelledFlag(bool cancelled, string status)
    {
        var ics = ICalendarWriter.Write([Event(Week1, cancelled: cancelled, sequence: 3)], "Reviews", Berlin);

        var vevent = OnlyEvent(ics);
        Assert.Equal(status, vevent.Text("STATUS"));
        Assert.Equal("3", vevent.Text("SEQUENCE"));
    }

    [Fact]
    public void SessionUid_IsStableForTheSameSession_AndSurvivesRewrites()
    {
        var uid = CalendarEvent.SessionUid(Week1);

        Assert.Equal("incident-review-20261117T150000Z@incidentbot", uid);
        Assert.Equal(uid, CalendarEvent.SessionUid(new DateTime(Week1.Ticks, DateTimeKind.Utc)));
        Assert.NotEqual(uid, CalendarEvent.SessionUid(Week2));
        var first = OnlyEvent(ICalendarWriter.Write([Event(Week1, "Review", sequence: 0)], "Reviews", Berlin));
        var second = OnlyEvent(ICalendarWriter.Write([Event(Week1, "Review (cancelled)", cancelled: true, sequence: 1)], "Reviews", null));
        Assert.Equal(uid, first.Text("UID"));
        Assert.Equal(uid, second.Text("UID"));
    }

    [Fact]
    public void Write_OptionalProperties_OnlyWhenGiven()
    {
        var without = OnlyEvent(ICalendarWriter.Write([Event(Week1)], "Reviews", null));
        var with = OnlyEvent(ICalendarWriter.Write(
            [Event(Week1, description: "d", url: "https://bot.example/reviews?week=2026-47&x=1,2", location: "Zoom")], "Reviews", null));

        Assert.Null(without.Property("DESCRIPTION"));
        Assert.Null(without.Property("URL"));
        Assert.Null(without.Property("LOCATION"));
        Assert.Equal("https://bot.example/reviews?week=2026-47&x=1,2", with.Property("URL")!.Value);
        Assert.Equal("Zoom", with.Text("LOCATION"));
    }

    [Fact]
    public void Write_EventEndingBeforeItStarts_IsRefused()
    {
        var broken = new CalendarEvent("u", Week1, Week1, "x", null, null, false, 0, Stamp);

        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([broken], "Reviews", null));
    }

    [Fact]
    public void Write_NoEventsWithZone_IsStillAValidCalendar()
    {
        var calendar = Calendar(ICalendarWriter.Write([], "Reviews", Berlin));

        Assert.Empty(calendar.Components);
        Assert.Equal("Reviews", calendar.Text("X-WR-CALNAME"));
    }

    private static List<byte[]> SplitOnCrlf(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 2;
                i++;
            }
        }

        Assert.Equal(bytes.Length, start);
        return lines;
    }
}
