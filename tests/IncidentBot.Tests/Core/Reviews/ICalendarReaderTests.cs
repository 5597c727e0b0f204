using IncidentBot.Core.Reviews.Calendar;
using static IncidentBot.Tests.Core.Reviews.ReviewTestData;

namespace IncidentBot.Tests.Core.Reviews;

public class ICalendarReaderTests
{
    /// <summary>Europe/Berlin as Outlook-style rules (RRULE) rather than the explicit onsets our writer emits.</summary>
    private const string RuleBasedBerlin =
        "BEGIN:VCALENDAR\r\n" +
        "VERSION:2.0\r\n" +
        "PRODID:-//Test//Rules//EN\r\n" +
        "BEGIN:VTIMEZONE\r\n" +
        "TZID:W. Europe Standard Time\r\n" +
        "BEGIN:STANDARD\r\n" +
        "DTSTART:16011028T030000\r\n" +
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" +
        "TZOFFSETFROM:+0200\r\n" +
        "TZOFFSETTO:+0100\r\n" +
        "END:STANDARD\r\n" +
        "BEGIN:DAYLIGHT\r\n" +
        "DTSTART:16010325T020000\r\n" +
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" +
        "TZOFFSETFROM:+0100\r\n" +
        "TZOFFSETTO:+0200\r\n" +
        "END:DAYLIGHT\r\n" +
        "END:VTIMEZONE\r\n" +
        "BEGIN:VEVENT\r\n" +
        "UID:a\r\n" +
        "DTSTART;TZID=\"W. Europe Standard Time\":20260331T160000\r\n" +
        "DTEND;TZID=\"W. Europe Standard Time\":20260113T160000\r\n" +
        "END:VEVENT\r\n" +
        "END:VCALENDAR\r\n";

    [Fact]
    public void Parse_NestsComponentsAndKeepsPropertiesInOrder()
    {
        var roots = ICalendarReader.Parse(RuleBasedBerlin);

        var calendar = Assert.Single(roots);
        Assert.Equal(["VTIMEZONE", "VEVENT"], calendar.Components.Select(c => c.Name));
        Assert.Equal(["STANDARD", "DAYLIGHT"], calendar.Components[0].Components.Select(c => c.Name));
        Assert.Equal(["VERSION", "PRODID"], calendar.Properties.Select(p => p.Name));
    }

    [Fact]
    public void ParseLine_SplitsQuotedAndListParameters()
    {
        var property = ICalendarReader.ParseLine("ATTENDEE;CN=\"Doe; Jane: SRE\";ROLE=REQ-PARTICIPANT;DELEGATED-TO=\"mailto:a@x\",\"mailto:b@x\":mailto:jane@example.com");

        Assert.Equal("ATTENDEE", property.Name);
        Assert.Equal("Doe; Jane: SRE", property.Parameter("cn"));
        Assert.Equal("REQ-PARTICIPANT", property.Parameter("ROLE"));
        Assert.Equal("mailto:a@x,mailto:b@x", property.Parameter("DELEGATED-TO"));
        Assert.Equal("mailto:jane@example.com", property.Value);
    }

    [Fact]
    public void Unfold_JoinsSpaceAndTabContinuations_AndAcceptsBareLf()
    {
        var lines = ICalendarReader.Unfold("SUMMARY:Hello\r\n  wor\r\n\tld\nDESCRIPTION:x\r\n");

        Assert.Equal(["SUMMARY:Hello world", "DESCRIPTION:x", ""], lines);
    }

    [Theory]
    [InlineData(@"a\, b\; c\\d\nnext\Nlast", "a, b; c\\d\nnext\nlast")]
    [InlineData(@"plain", "plain")]
    [InlineData(@"trailing\", "trailing\\")]
    public void UnescapeText_UndoesTextEscapes(string raw, string expected) =>
        Assert.Equal(expected, ICalendarReader.UnescapeText(raw));

    [Theory]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n")]
    [InlineData("BEGIN:VCALENDAR\r\n")]
    [InlineData("SUMMARY:orphan\r\n")]
    [InlineData("BEGIN:VCALENDAR\r\nNOCOLON\r\nEND:VCALENDAR\r\n")]
    [InlineData(" continuation first\r\n")]
    public void Parse_MalformedCalendar_Throws(string ics) =>
        Assert.Throws<FormatException>(() => ICalendarReader.Parse(ics));

    [Fact]
    public void ToUtc_ThroughRuleBasedVTimeZone_AppliesDaylightAndStandardOffsets()
    {
        var calendar = Assert.Single(ICalendarReader.Parse(RuleBasedBerlin));
        var vevent = calendar.ComponentsNamed("VEVENT").Single();

        Assert.Equal(Utc(2026, 3, 31, 14, 0), ICalendarReader.ToUtc(vevent.Property("DTSTART")!, calendar));
        Assert.Equal(Utc(2026, 1, 13, 15, 0), ICalendarReader.ToUtc(vevent.Property("DTEND")!, calendar));
    }

    [Fact]
    public void ICalTimeZone_RuleBasedBerlin_AgreesWithSystemZoneForAYear()
    {
        var calendar = Assert.Single(ICalendarReader.Parse(RuleBasedBerlin));
        var zone = ICalTimeZone.FromComponent(calendar.ComponentsNamed("VTIMEZONE").Single());

        for (var t = Utc(2026, 1, 1, 0, 0); t < Utc(2027, 1, 1, 0, 0); t = t.AddMinutes(30))
        {
            Assert.Equal(Berlin.GetUtcOffset(t), zone.OffsetAt(t));
        }
    }

    [Fact]
    public void ICalTimeZone_NewYorkRulesWithUntil_StopOldRuleAndStartNewOne()
    {
        const string ics =
            "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" +
            "BEGIN:DAYLIGHT\r\nDTSTART:19870405T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n" +
            "BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n" +
            "BEGIN:STANDARD\r\nDTSTART:19671029T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n" +
            "BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n" +
            "END:VTIMEZONE\r\n";
        var zone = ICalTimeZone.FromComponent(Assert.Single(ICalendarReader.Parse(ics)));

        foreach (var year in new[] { 2005, 2026 })
        {
            for (var t = Utc(year, 1, 1, 0, 0); t < Utc(year + 1, 1, 1, 0, 0); t = t.AddHours(1))
            {
                Assert.Equal(NewYork.GetUtcOffset(t), zone.OffsetAt(t));
            }
        }

        // 02:30 on the spring-forward Sunday does not exist: it reads as 03:30 EDT.
        Assert.Equal(Utc(2026, 3, 8, 7, 30), zone.ToUtc(new DateTime(2026, 3, 8, 2, 30, 0)));
    }
}
