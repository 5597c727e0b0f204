using System.Globalization;
using System.Text;

namespace IncidentBot.Core.Reviews.Calendar;

/// <summary>
/// Writes an RFC 5545 calendar (METHOD:PUBLISH feed) of review sessions. With a zone other than UTC, times are
/// written as <c>DTSTART;TZID=&lt;IANA id&gt;:local</c> and the calendar carries one VTIMEZONE for that zone with an
/// explicit STANDARD/DAYLIGHT observance for every offset change that affects the events' years (found by scanning
/// the zone's offsets, so any zone works: northern, southern or no DST). Without a zone (or with UTC) times are
/// written in the UTC form <c>…Z</c>.
/// </summary>
public static class ICalendarWriter
{
    public const string ProductId = "-//IncidentBot//Incident reviews//EN";

    /// <summary>Longest physical line, in UTF-8 octets, not counting CRLF (RFC 5545 3.1).</summary>
    public const int MaxLineOctets = 75;

    private const string LocalFormat = "yyyyMMdd'T'HHmmss";
    private const string UtcFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly HashSet<string> UtcIds = new(StringComparer.OrdinalIgnoreCase)
    {
        "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
        "Coordinated Universal Time", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "Greenwich", "Etc/Greenwich",
    };

    public static string Write(IReadOnlyList<CalendarEvent> events, string calendarName, TimeZoneInfo? zone)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Check(e);
        }

        var local = zone is not null && !IsUtc(zone) ? zone : null;
        var tzid = local is null ? null : IanaId(local);

        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:" + ProductId,
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + EscapeText(calendarName ?? string.Empty),
        };

        if (local is not null)
        {
            lines.Add("X-WR-TIMEZONE:" + EscapeText(tzid!));
            if (events.Count > 0)
            {
                var years = events
                    .SelectMany(e => new[] { e.StartUtc, e.EndUtc })
                    .Select(t => TimeZoneInfo.ConvertTimeFromUtc(ZoneMath.Utc(t), local).Year)
                    .ToList();
                lines.AddRange(TimeZoneLines(local, tzid!, years.Min(), years.Max()));
            }
        }

        foreach (var e in events)
        {
            lines.Add("BEGIN:VEVENT");
            lines.Add("UID:" + EscapeText(e.Uid));
            lines.Add("DTSTAMP:" + Utc(e.StampUtc));
            lines.Add(DateTimeProperty("DTSTART", e.StartUtc, local, tzid));
            lines.Add(DateTimeProperty("DTEND", e.EndUtc, local, tzid));
            lines.Add("SUMMARY:" + EscapeText(e.Summary ?? string.Empty));
            if (e.Description is not null)
            {
                lines.Add("DESCRIPTION:" + EscapeText(e.Description));
            }

            if (e.Location is not null)
            {
                lines.Add("LOCATION:" + EscapeText(e.Location));
            }

            if (!string.IsNullOrWhiteSpace(e.Url))
            {
                lines.Add("URL:" + WithoutControls(e.Url.Trim()));
            }

            lines.Add("STATUS:" + (e.Cancelled ? "CANCELLED" : "CONFIRMED"));
            lines.Add("SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture));
            lines.Add("END:VEVENT");
        }

        lines.Add("END:VCALENDAR");

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(line, text);
        }

        return text.ToString();
    }

    /// <summary>RFC 5545 3.3.11 TEXT: backslash, semicolon and comma escaped, any line break as <c>\n</c>, other control characters dropped.</summary>
    public static string EscapeText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case ';': text.Append(@"\;"); break;
                case ',': text.Append(@"\,"); break;
                case '\r':
                    text.Append(@"\n");
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\n': text.Append(@"\n"); break;
                case '\t': text.Append(c); break;
                default:
                    if (!char.IsControl(c))
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Appends the content line folded so that no physical line exceeds <see cref="MaxLineOctets"/> UTF-8 octets
    /// (a continuation's leading space included), never inside a multi-byte character; every line ends in CRLF.
    /// </summary>
    internal static void Fold(string line, StringBuilder output)
    {
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var length = rune.Utf8SequenceLength;
            if (octets + length > MaxLineOctets)
            {
                output.Append("\r\n ");
                octets = 1;
            }

            output.Append(rune.ToString());
            octets += length;
        }

        output.Append("\r\n");
    }

    internal static bool IsUtc(TimeZoneInfo zone) =>
        zone.Id == TimeZoneInfo.Utc.Id
        || (UtcIds.Contains(zone.Id) && zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime);

    internal static string IanaId(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id
        : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana
        : zone.Id;

    private static void Check(CalendarEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (string.IsNullOrWhiteSpace(e.Uid))
        {
            throw new ArgumentException("A calendar event needs a UID.", nameof(e));
        }

        if (ZoneMath.TruncateToSecond(e.EndUtc) <= ZoneMath.TruncateToSecond(e.StartUtc))
        {
            throw new ArgumentException($"Event {e.Uid} ends before it starts.", nameof(e));
        }

        if (e.Sequence < 0)
        {
            throw new ArgumentException($"Event {e.Uid} has a negative SEQUENCE.", nameof(e));
        }
    }

    private static string Utc(DateTime value) =>
        ZoneMath.TruncateToSecond(ZoneMath.Utc(value)).ToString(UtcFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// TZID form when the zone is given and the wall time reads back as the same instant; the UTC form otherwise
    /// (the second occurrence of a repeated wall time cannot be written with TZID).
    /// </summary>
    private static string DateTimeProperty(string name, DateTime utcValue, TimeZoneInfo? zone, string? tzid)
    {
        var utc = ZoneMath.TruncateToSecond(ZoneMath.Utc(utcValue));
        if (zone is not null)
        {
            var wall = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
            if (ZoneMath.ToUtc(wall, zone) == utc)
            {
                return $"{name};TZID={ParameterValue(tzid!)}:{wall.ToString(LocalFormat, CultureInfo.InvariantCulture)}";
            }
        }

        return $"{name}:{utc.ToString(UtcFormat, CultureInfo.InvariantCulture)}";
    }

    private static string ParameterValue(string value)
    {
        var clean = WithoutControls(value).Replace("\"", string.Empty, StringComparison.Ordinal);
        return clean.IndexOfAny([':', ';', ',']) >= 0 ? $"\"{clean}\"" : clean;
    }

    private static string WithoutControls(string value) => string.Concat(value.Where(c => !char.IsControl(c)));

    private static IEnumerable<string> TimeZoneLines(TimeZoneInfo zone, string tzid, int firstYear, int lastYear)
    {
        var rangeStart = new DateTime(Math.Max(firstYear, 2), 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(-1);
        var rangeEnd = new DateTime(Math.Min(lastYear + 1, 9999), 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(1);
        var transitions = Transitions(zone, rangeStart.AddDays(-400), rangeEnd);

        yield return "BEGIN:VTIMEZONE";
        yield return "TZID:" + EscapeText(tzid);

        var initial = transitions.LastOrDefault(t => t.Utc <= rangeStart);
        if (initial is null)
        {
            // No change shortly before the range (a zone without DST, or one that dropped it): one observance with
            // the offset in force at the start of the range, valid from well before the events.
            var offset = zone.GetUtcOffset(rangeStart);
            var onset = new DateTime(Math.Min(1970, Math.Max(firstYear - 1, 1)), 1, 1, 0, 0, 0, DateTimeKind.Utc) - offset;
            initial = new Transition(onset, offset, offset, zone.IsDaylightSavingTime(rangeStart));
        }

        foreach (var transition in transitions.Where(t => t.Utc > rangeStart).Prepend(initial))
        {
            var kind = transition.IsDaylight ? "DAYLIGHT" : "STANDARD";
            yield return "BEGIN:" + kind;
            yield return "DTSTART:" + (transition.Utc + transition.From).ToString(LocalFormat, CultureInfo.InvariantCulture);
            yield return "TZOFFSETFROM:" + Offset(transition.From);
            yield return "TZOFFSETTO:" + Offset(transition.To);
            var name = transition.IsDaylight ? zone.DaylightName : zone.StandardName;
            if (!string.IsNullOrWhiteSpace(name))
            {
                yield return "TZNAME:" + EscapeText(name);
            }

            yield return "END:" + kind;
        }

        yield return "END:VTIMEZONE";
    }

    /// <summary>Every change of UTC offset in [from, to), to the second.</summary>
    private static List<Transition> Transitions(TimeZoneInfo zone, DateTime from, DateTime to)
    {
        var step = TimeSpan.FromHours(6);
        var found = new List<Transition>();
        var offset = zone.GetUtcOffset(from);
        for (var t = from; t < to; t += step)
        {
            var next = t + step;
            var nextOffset = zone.GetUtcOffset(next);
            if (nextOffset == offset)
            {
                continue;
            }

            long lo = t.Ticks / TimeSpan.TicksPerSecond, hi = next.Ticks / TimeSpan.TicksPerSecond;
            while (hi - lo > 1)
            {
                var mid = lo + ((hi - lo) / 2);
                if (zone.GetUtcOffset(new DateTime(mid * TimeSpan.TicksPerSecond, DateTimeKind.Utc)) == offset)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            var at = new DateTime(hi * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            found.Add(new Transition(at, offset, nextOffset, zone.IsDaylightSavingTime(at)));
            offset = nextOffset;
        }

        return found;
    }

    /// <summary>±hhmm, or ±hhmmss when there are seconds; never -0000.</summary>
    private static string Offset(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        var text = sign + abs.Hours.ToString("00", CultureInfo.InvariantCulture) + abs.Minutes.ToString("00", CultureInfo.InvariantCulture);
        return abs.Seconds == 0 ? text : text + abs.Seconds.ToString("00", CultureInfo.InvariantCulture);
    }

    private sealed record Transition(DateTime Utc, TimeSpan From, TimeSpan To, bool IsDaylight);
}
