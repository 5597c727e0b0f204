using System.Text;
using System.Text.Json;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Calendar;
using IncidentBot.Tests.Infrastructure;
using IcalCalendar = Ical.Net.Calendar;
using IcalEvent = Ical.Net.CalendarComponents.CalendarEvent;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

/// <summary>The review calendar as other programs read it: parsed back with Ical.Net and, once, with Python's icalendar.</summary>
public class CalendarFileTests
{
    private static readonly DateTime Stamp = Utc(2026, 11, 10, 12, 0);

    private static CalendarEvent Event(
        DateTime startUtc, string summary = "Incident review", string? description = null, bool cancelled = false,
        int sequence = 0, string? url = null, string? location = null, IReadOnlyList<CalendarAttendee>? attendees = null) =>
        new(CalendarEvent.SessionUid(startUtc), startUtc, startUtc.AddHours(1), summary, description, url, cancelled,
            sequence, Stamp, location, attendees);

    private static IcalCalendar Calendar(string ics) => IcalCalendar.Load(ics)!;

    private static IcalEvent OnlyEvent(string ics) => Assert.Single(Calendar(ics).Events);

    private static string? Text(IcalCalendar calendar, string name) => calendar.Properties[name]?.Value?.ToString();

    private static string[] PhysicalLines(string ics)
    {
        Assert.EndsWith("\r\n", ics, StringComparison.Ordinal);
        return ics[..^2].Split("\r\n");
    }

    [Fact]
    public void Write_HasCalendarHeader()
    {
        var calendar = Calendar(CalendarFile.Write([Event(Week1)], "Incident reviews", null));

        Assert.Equal("2.0", calendar.Version);
        Assert.Equal("-//IncidentBot//Incident reviews//EN", calendar.ProductId);
        Assert.Equal("GREGORIAN", calendar.Scale);
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal("Incident reviews", Text(calendar, "X-WR-CALNAME"));
    }

    [Fact]
    public void Write_UsesCrlfLineEndingsOnly()
    {
        var ics = CalendarFile.Write([Event(Week1, description: "line one\nline two\r\nline three")], "Reviews", Berlin);

        Assert.DoesNotContain("\n", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutZone_UsesUtcFormAndNoVTimeZone()
    {
        var ics = CalendarFile.Write([Event(Week1)], "Reviews", null);

        Assert.Contains("\r\nDTSTART:20261117T150000Z\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND:20261117T160000Z\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTSTAMP:20261110T120000Z\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("VTIMEZONE", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("TZID", ics, StringComparison.Ordinal);
        Assert.Equal(Week1, OnlyEvent(ics).DtStart!.AsUtc);
    }

    [Fact]
    public void Write_WithUtcZone_UsesUtcForm()
    {
        var ics = CalendarFile.Write([Event(Week1)], "Reviews", TimeZoneInfo.Utc);

        Assert.Contains("\r\nDTSTART:20261117T150000Z\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("VTIMEZONE", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithZone_UsesTzidLocalTimesAndExactlyOneVTimeZone()
    {
        var summer = Utc(2026, 6, 16, 14, 0);
        var ics = CalendarFile.Write([Event(Week1), Event(summer)], "Reviews", Berlin);

        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20261117T160000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20260616T160000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND;TZID=Europe/Berlin:20260616T170000\r\n", ics, StringComparison.Ordinal);
        var calendar = Calendar(ics);
        var zone = Assert.Single(calendar.TimeZones);
        Assert.Equal("Europe/Berlin", zone.TzId);
        Assert.Contains(zone.TimeZoneInfos, i => i.Name == "STANDARD" && i.OffsetTo!.Offset == TimeSpan.FromHours(1));
        Assert.Contains(zone.TimeZoneInfos, i => i.Name == "DAYLIGHT" && i.OffsetTo!.Offset == TimeSpan.FromHours(2));
        Assert.Equal("Europe/Berlin", Text(calendar, "X-WR-TIMEZONE"));
        Assert.Equal([Week1, summer], calendar.Events.Select(e => e.DtStart!.AsUtc));
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/New_York", true)]
    [InlineData("Australia/Sydney", true)]
    [InlineData("Asia/Tokyo", false)]
    public void Write_EveryEventOfTheYears_ReadsBackAsItsInstant(string zoneId, bool hasDaylight)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var starts = Starts(zone);
        var calendar = Calendar(CalendarFile.Write([.. starts.Select(s => Event(s))], "Reviews", zone));

        var vtimezone = Assert.Single(calendar.TimeZones);
        Assert.Equal(zoneId, vtimezone.TzId);
        Assert.Equal(hasDaylight, vtimezone.TimeZoneInfos.Any(i => i.Name == "DAYLIGHT"));
        Assert.All(calendar.Events, e => Assert.Equal(zoneId, e.DtStart!.TzId));
        Assert.Equal(starts, calendar.Events.Select(e => e.DtStart!.AsUtc));
        Assert.Equal(starts.Select(s => s.AddHours(1)), calendar.Events.Select(e => e.DtEnd!.AsUtc));
    }

    [SkippableFact]
    public void Write_VTimeZone_AgreesWithTheSystemZoneEveryHourOfTheEventsYears_ReadByPythonsICalendar()
    {
        TestDatabases.Require(PythonICalendar.Value, "Python's icalendar (Debian package python3-icalendar)");
        const string Script = """
            import json, sys, datetime
            from icalendar import Calendar
            out = {}
            for text in json.loads(sys.stdin.read()):
                cal = Calendar.from_ical(text)
                vtz = [c for c in cal.walk('VTIMEZONE')][0]
                tz = vtz.to_tz()
                events = []
                for e in cal.walk('VEVENT'):
                    wall = e.decoded('DTSTART').replace(tzinfo=None)
                    events.append(int(tz.localize(wall).astimezone(datetime.timezone.utc).timestamp()))
                offsets = []
                t = datetime.datetime(2024, 12, 31, 10, 0, tzinfo=datetime.timezone.utc)
                end = datetime.datetime(2028, 1, 1, 14, 0, tzinfo=datetime.timezone.utc)
                while t < end:
                    offsets.append(int(t.astimezone(tz).utcoffset().total_seconds()))
                    t += datetime.timedelta(hours=1)
                out[str(vtz['TZID'])] = {"events": events, "offsets": offsets, "summary": [str(e['SUMMARY']) for e in cal.walk('VEVENT')][:1]}
            print(json.dumps(out))
            """;
        string[] zoneIds = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"];
        var files = zoneIds.Select(id =>
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return CalendarFile.Write([.. Starts(zone).Select((s, i) => Event(s, i == 0 ? "Review: db, cache; C:\\temp — Überprüfung 😀" : "Review"))], "Reviews", zone);
        }).ToList();

        var run = PrometheusTools.Run(PrometheusTools.Python, ["-c", Script], JsonSerializer.Serialize(files));

        Assert.True(run.ExitCode == 0, $"icalendar could not read the feed: {run.Error}");
        using var json = JsonDocument.Parse(run.Output);
        foreach (var id in zoneIds)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var read = json.RootElement.GetProperty(id);
            Assert.Equal(
                Starts(zone).Select(s => new DateTimeOffset(s).ToUnixTimeSeconds()),
                read.GetProperty("events").EnumerateArray().Select(e => e.GetInt64()));
            var hour = Utc(2024, 12, 31, 10, 0);
            foreach (var offset in read.GetProperty("offsets").EnumerateArray())
            {
                Assert.True(zone.GetUtcOffset(hour).TotalSeconds == offset.GetInt32(), $"{id} at {hour:u}: the VTIMEZONE says {offset.GetInt32()}s, the zone {zone.GetUtcOffset(hour)}");
                hour = hour.AddHours(1);
            }

            Assert.Equal("Review: db, cache; C:\\temp — Überprüfung 😀", read.GetProperty("summary")[0].GetString());
        }
    }

    [Fact]
    public void Write_SecondOccurrenceOfRepeatedWallTime_FallsBackToUtcForm()
    {
        // 2026-10-25 in Berlin: 02:00-03:00 happens twice; 01:30Z is the second 02:30 (CET).
        var start = Utc(2026, 10, 25, 0, 0);
        var end = Utc(2026, 10, 25, 1, 30);
        var ics = CalendarFile.Write(
            [new CalendarEvent("uid-1", start, end, "Review", null, null, false, 0, Stamp)], "Reviews", Berlin);

        Assert.Contains("\r\nDTSTART;TZID=Europe/Berlin:20261025T020000\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDTEND:20261025T013000Z\r\n", ics, StringComparison.Ordinal);
        var vevent = OnlyEvent(ics);
        Assert.Equal(start, vevent.DtStart!.AsUtc);
        Assert.Equal(end, vevent.DtEnd!.AsUtc);
    }

    [Fact]
    public void Write_EscapesCommaSemicolonBackslashAndNewlines_AndReaderRestoresThem()
    {
        const string summary = "Review: db, cache; C:\\temp";
        const string description = "Agenda:\nINC-1, INC-2\r\nBring notes; please";
        var ics = CalendarFile.Write([Event(Week1, summary, description, location: "Room 1, 2nd floor")], "Ops; reviews, weekly", null);

        Assert.Contains("\r\nSUMMARY:Review: db\\, cache\\; C:\\\\temp\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nDESCRIPTION:Agenda:\\nINC-1\\, INC-2\\nBring notes\\; please\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("\r\nX-WR-CALNAME:Ops\\; reviews\\, weekly\r\n", ics, StringComparison.Ordinal);
        var vevent = OnlyEvent(ics);
        Assert.Equal(summary, vevent.Summary);
        Assert.Equal("Agenda:\nINC-1, INC-2\nBring notes; please", vevent.Description);
        Assert.Equal("Room 1, 2nd floor", vevent.Location);
        Assert.Equal("Ops; reviews, weekly", Text(Calendar(ics), "X-WR-CALNAME"));
    }

    [Fact]
    public void Write_FoldsLongLinesAt75Octets_NeverInsideAMultiByteCharacter()
    {
        var summary = string.Concat(Enumerable.Repeat("Überprüfung € 😀 naïve, ", 12)) + "end";
        var ics = CalendarFile.Write([Event(Week1, summary, description: new string('x', 300))], "Reviews", null);

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var lines = SplitOnCrlf(Encoding.UTF8.GetBytes(ics));
        Assert.Contains(lines, l => l.Length > 0 && l[0] == (byte)' ');
        Assert.All(lines, line =>
        {
            Assert.InRange(line.Length, 0, 75);
            strict.GetString(line);
        });
        Assert.Equal(summary, OnlyEvent(ics).Summary);
        Assert.Equal(new string('x', 300), OnlyEvent(ics).Description);
    }

    [Fact]
    public void Write_FoldsAsciiLineToExactly75Octets()
    {
        var ics = CalendarFile.Write([Event(Week1, new string('a', 200))], "Reviews", null);

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
        var vevent = OnlyEvent(CalendarFile.Write([Event(Week1, cancelled: cancelled, sequence: 3)], "Reviews", Berlin));

        Assert.Equal(status, vevent.Status);
        Assert.Equal(3, vevent.Sequence);
    }

    [Fact]
    public void SessionUid_IsStableForTheSameSession_AndSurvivesRewrites()
    {
        var uid = CalendarEvent.SessionUid(Week1);

        Assert.Equal("incident-review-20261117T150000Z@incidentbot", uid);
        Assert.Equal(uid, CalendarEvent.SessionUid(new DateTime(Week1.Ticks, DateTimeKind.Utc)));
        Assert.NotEqual(uid, CalendarEvent.SessionUid(Week2));
        Assert.Equal(uid, OnlyEvent(CalendarFile.Write([Event(Week1, "Review", sequence: 0)], "Reviews", Berlin)).Uid);
        Assert.Equal(uid, OnlyEvent(CalendarFile.Write([Event(Week1, "Review (cancelled)", cancelled: true, sequence: 1)], "Reviews", null)).Uid);
    }

    [Fact]
    public void Write_OptionalProperties_OnlyWhenGiven()
    {
        var bare = CalendarFile.Write([Event(Week1)], "Reviews", null);
        var with = OnlyEvent(CalendarFile.Write(
            [Event(Week1, description: "d", url: "https://bot.example/reviews?week=2026-47&x=1,2", location: "Zoom")], "Reviews", null));

        Assert.DoesNotContain("DESCRIPTION", bare, StringComparison.Ordinal);
        Assert.DoesNotContain("URL", bare, StringComparison.Ordinal);
        Assert.DoesNotContain("LOCATION", bare, StringComparison.Ordinal);
        Assert.DoesNotContain("ATTENDEE", bare, StringComparison.Ordinal);
        Assert.Equal("https://bot.example/reviews?week=2026-47&x=1,2", with.Url!.OriginalString);
        Assert.Equal("Zoom", with.Location);
    }

    [Fact]
    public void Write_Attendees_AreAttendeeLinesWithNameAndRole()
    {
        var ics = CalendarFile.Write(
            [Event(Week1, attendees: [new("sponsor@example.com", "Doe; Jane, VP", CalendarAttendee.Chair), new("sre@example.com", null)])], "Reviews", Berlin);

        var attendees = OnlyEvent(ics).Attendees;
        Assert.Equal(["mailto:sponsor@example.com", "mailto:sre@example.com"], attendees.Select(a => a.Value!.OriginalString));
        Assert.Equal("Doe; Jane, VP", attendees[0].CommonName);
        Assert.Equal("CHAIR", attendees[0].Role);
        Assert.Null(attendees[1].CommonName);
        Assert.Equal("REQ-PARTICIPANT", attendees[1].Role);
    }

    [Fact]
    public void Write_EventEndingBeforeItStarts_IsRefused()
    {
        var broken = new CalendarEvent("u", Week1, Week1, "x", null, null, false, 0, Stamp);

        Assert.Throws<ArgumentException>(() => CalendarFile.Write([broken], "Reviews", null));
    }

    [Fact]
    public void Write_NoEventsWithZone_IsStillAValidCalendar()
    {
        var calendar = Calendar(CalendarFile.Write([], "Reviews", Berlin));

        Assert.Empty(calendar.Events);
        Assert.Equal("Reviews", Text(calendar, "X-WR-CALNAME"));
    }

    private static readonly Lazy<bool> PythonICalendar = new(() =>
        File.Exists(PrometheusTools.Python) && PrometheusTools.Run(PrometheusTools.Python, ["-c", "import icalendar"], null).ExitCode == 0);

    /// <summary>Weekly Tuesday 16:00 sessions in <paramref name="zone"/> through 2025–2027, across every DST change.</summary>
    private static List<DateTime> Starts(TimeZoneInfo zone) =>
        [.. new MeetingSchedule(DayOfWeek.Tuesday, new TimeOnly(16, 0), zone, TimeSpan.FromHours(1))
            .StartsFrom(Utc(2025, 1, 1, 0, 0)).TakeWhile(s => s < Utc(2028, 1, 1, 0, 0))];

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
