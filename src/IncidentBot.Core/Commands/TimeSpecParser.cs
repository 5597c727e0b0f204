using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace IncidentBot.Core.Commands;

/// <summary>
/// Reads a typed time: "14:05", "2:05pm", "2026-11-21 14:05" (wall clock, no zone), "14:05Z", "2026-11-21T14:05+02:00",
/// "2026-11-21 14:05 UTC" (explicit zone), "45m ago", "1h30m ago", "2 hours ago", "an hour ago", "now".
/// </summary>
public static partial class TimeSpecParser
{
    /// <summary>Longest accepted input (after collapsing white space); anything longer is not a time.</summary>
    public const int MaxLength = 64;

    /// <summary>Largest accepted "… ago".</summary>
    public static TimeSpan MaxAgo { get; } = TimeSpan.FromDays(366);

    /// <summary>Examples for error messages and help.</summary>
    public const string Examples = "14:05, 2:05pm, 2026-11-21 14:05 UTC or 45m ago";

    private static readonly DateOnly PlaceholderDate = new(2000, 1, 1);

    public static bool TryParse(string? text, [NotNullWhen(true)] out TimeSpec? spec)
    {
        spec = null;
        if (text is null || text.Length > MaxLength * 4)
        {
            return false;
        }

        var s = Normalize(text);
        if (s.Length == 0 || s.Length > MaxLength)
        {
            return false;
        }

        if (s == "now")
        {
            spec = new AgoTimeSpec(TimeSpan.Zero);
            return true;
        }

        if (s.EndsWith("ago", StringComparison.Ordinal))
        {
            if (!TryParseDuration(s[..^3], out var ago))
            {
                return false;
            }

            spec = new AgoTimeSpec(ago);
            return true;
        }

        return TryParseClock(s, out spec);
    }

    /// <summary>Lower case, every run of separators made one space, ends trimmed.</summary>
    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (TextScan.IsSeparator(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>"45m", "1h30m", "1h 30m", "2 hours", "1 hour and 30 minutes", "an hour".</summary>
    private static bool TryParseDuration(string s, out TimeSpan total)
    {
        total = TimeSpan.Zero;
        var parts = 0;
        var i = 0;
        while (true)
        {
            while (i < s.Length && s[i] is ' ' or ',')
            {
                i++;
            }

            if (i >= s.Length)
            {
                break;
            }

            long amount;
            if (char.IsAsciiDigit(s[i]))
            {
                var start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                if (i - start > 6)
                {
                    return false;
                }

                amount = long.Parse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else
            {
                var word = ReadWord(s, ref i);
                if (word is "and" && parts > 0)
                {
                    continue;
                }

                if (word is not ("a" or "an"))
                {
                    return false;
                }

                amount = 1;
            }

            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }

            var unit = ReadWord(s, ref i) switch
            {
                "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(1),
                "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
                "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(1),
                "d" or "day" or "days" => TimeSpan.FromDays(1),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero)
            {
                return false;
            }

            total += unit * amount;
            if (total > MaxAgo)
            {
                return false;
            }

            parts++;
        }

        return parts > 0;
    }

    private static string ReadWord(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiLetterLower(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static bool TryParseClock(string s, [NotNullWhen(true)] out TimeSpec? spec)
    {
        spec = null;
        var match = ClockPattern().Match(s);
        if (!match.Success)
        {
            return false;
        }

        var hour = int.Parse(match.Groups["h"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var minuteGroup = match.Groups["m"];
        var ampm = match.Groups["ampm"];
        if (!minuteGroup.Success && !ampm.Success)
        {
            return false; // "14" alone is not a time; "2pm" is
        }

        var minute = minuteGroup.Success ? int.Parse(minuteGroup.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        var secondGroup = match.Groups["s"];
        var second = secondGroup.Success ? int.Parse(secondGroup.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        if (ampm.Success)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            var pm = ampm.ValueSpan[0] == 'p';
            hour = (hour % 12) + (pm ? 12 : 0);
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var time = new TimeOnly(hour, minute, second);

        DateOnly? date = null;
        var dateGroup = match.Groups["date"];
        if (dateGroup.Success)
        {
            if (!DateOnly.TryParseExact(dateGroup.ValueSpan, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                || d.Year is < 1970 or > 9998)
            {
                return false;
            }

            date = d;
        }

        if (!match.Groups["zone"].Success)
        {
            spec = new LocalTimeSpec(date, time);
            return true;
        }

        var offset = TimeSpan.Zero;
        if (match.Groups["sign"].Success)
        {
            var offsetHours = int.Parse(match.Groups["oh"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            var offsetMinutes = match.Groups["om"].Success
                ? int.Parse(match.Groups["om"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture)
                : 0;
            if (offsetHours > 14 || offsetMinutes > 59 || (offsetHours == 14 && offsetMinutes > 0))
            {
                return false;
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (match.Groups["sign"].ValueSpan[0] == '-')
            {
                offset = -offset;
            }
        }

        spec = date is { } day
            ? new AbsoluteTimeSpec(new DateTimeOffset(day.ToDateTime(time), offset))
            : new AbsoluteTimeSpec(new DateTimeOffset(PlaceholderDate.ToDateTime(time), offset)) { TimeOfDayOnly = true };
        return true;
    }

    // Input is already lower case with single spaces. [0-9], not \d: \d also matches other scripts' digits.
    [GeneratedRegex(
        @"^(?:(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[t ])?(?<h>[0-9]{1,2})(?::(?<m>[0-9]{2})(?::(?<s>[0-9]{2})(?:\.[0-9]{1,7})?)?)?"
        + @" ?(?<ampm>am|pm|a\.m\.|p\.m\.)?"
        + @" ?(?<zone>z|utc|gmt|(?:utc|gmt)?(?<sign>[+-])(?<oh>[0-9]{1,2})(?::?(?<om>[0-9]{2}))?)?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex ClockPattern();
}
