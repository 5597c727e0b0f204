using System.Globalization;

namespace IncidentBot.Core.Reviews.Calendar;

/// <summary>
/// A VTIMEZONE read back: its STANDARD/DAYLIGHT observances expanded into onsets (DTSTART, RDATE, and yearly
/// RRULEs with BYMONTH/BYDAY/BYMONTHDAY, UNTIL, COUNT, INTERVAL — what real VTIMEZONEs use), so a wall time
/// with that TZID can be turned into an instant without the system's time-zone database.
/// Expansions are cached per instance: not for concurrent use.
/// </summary>
public sealed class ICalTimeZone
{
    private static readonly string[] DayCodes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

    private readonly List<Observance> observances;
    private List<Onset> expanded = [];
    private int expandedThrough = int.MinValue;

    private ICalTimeZone(string id, List<Observance> observances)
    {
        Id = id;
        this.observances = observances;
    }

    public string Id { get; }

    /// <summary>When the offset changes to <paramref name="To"/> (from <paramref name="From"/>).</summary>
    public sealed record Onset(DateTime Utc, TimeSpan From, TimeSpan To, bool IsDaylight, string? Name);

    /// <exception cref="FormatException">A required property is missing or malformed.</exception>
    /// <exception cref="NotSupportedException">An RRULE this reader does not expand.</exception>
    public static ICalTimeZone FromComponent(ICalComponent vtimezone)
    {
        ArgumentNullException.ThrowIfNull(vtimezone);
        var id = vtimezone.Text("TZID") ?? throw new FormatException("VTIMEZONE without TZID.");
        var observances = new List<Observance>();
        foreach (var part in vtimezone.Components.Where(c => c.Name is "STANDARD" or "DAYLIGHT"))
        {
            var start = part.Property("DTSTART") ?? throw new FormatException($"{part.Name} in {id} has no DTSTART.");
            observances.Add(new Observance(
                ICalendarReader.ParseDateTime(start.Value).Value,
                ParseOffset(part.Property("TZOFFSETFROM")?.Value, id),
                ParseOffset(part.Property("TZOFFSETTO")?.Value, id),
                part.Name == "DAYLIGHT",
                part.Text("TZNAME"),
                part.Property("RRULE")?.Value,
                [.. part.PropertiesNamed("RDATE")
                    .Where(p => !string.Equals(p.Parameter("VALUE"), "PERIOD", StringComparison.OrdinalIgnoreCase))
                    .SelectMany(p => p.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Select(v => ICalendarReader.ParseDateTime(v).Value)]));
        }

        return observances.Count == 0
            ? throw new FormatException($"VTIMEZONE {id} has no STANDARD or DAYLIGHT observance.")
            : new ICalTimeZone(id, observances);
    }

    /// <summary>All onsets up to the end of <paramref name="lastYear"/>, in time order.</summary>
    public IReadOnlyList<Onset> OnsetsThrough(int lastYear)
    {
        if (lastYear > expandedThrough)
        {
            expanded = [.. observances
                .SelectMany(o => o.Occurrences(lastYear).Select(local => new Onset(
                    DateTime.SpecifyKind(local - o.From, DateTimeKind.Utc), o.From, o.To, o.IsDaylight, o.Name)))
                .OrderBy(o => o.Utc)];
            expandedThrough = lastYear;
        }

        return expanded;
    }

    /// <summary>The UTC offset in force at an instant (before the first onset: that onset's TZOFFSETFROM).</summary>
    public TimeSpan OffsetAt(DateTime utc)
    {
        var onsets = OnsetsThrough(Math.Min(utc.Year + 1, 9998));
        var current = onsets.LastOrDefault(o => o.Utc <= utc);
        return current?.To ?? onsets[0].From;
    }

    /// <summary>Wall time → instant; a non-existent wall time moves forward by the gap, a repeated one is its first occurrence.</summary>
    public DateTime ToUtc(DateTime wallTime) => ZoneMath.ToUtc(wallTime, OffsetAt);

    private static TimeSpan ParseOffset(string? value, string id)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length is not (5 or 7) || text[0] is not ('+' or '-')
            || !int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            throw new FormatException($"VTIMEZONE {id}: '{value}' is not a UTC offset (±hhmm[ss]).");
        }

        var seconds = 0;
        if (text.Length == 7 && !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            throw new FormatException($"VTIMEZONE {id}: '{value}' is not a UTC offset (±hhmm[ss]).");
        }

        var offset = new TimeSpan(hours, minutes, seconds);
        return text[0] == '-' ? -offset : offset;
    }

    private sealed record Observance(
        DateTime Start, TimeSpan From, TimeSpan To, bool IsDaylight, string? Name, string? RRule, List<DateTime> RDates)
    {
        public IEnumerable<DateTime> Occurrences(int lastYear)
        {
            var all = new List<DateTime> { Start };
            all.AddRange(RDates.Where(d => d.Year <= lastYear));
            if (RRule is not null)
            {
                all.AddRange(Expand(lastYear).Where(d => d != Start));
            }

            return all.Distinct();
        }

        private IEnumerable<DateTime> Expand(int lastYear)
        {
            var rule = RRule!.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0].Trim().ToUpperInvariant(), p => p.Length > 1 ? p[1].Trim() : string.Empty);
            if (!rule.TryGetValue("FREQ", out var freq) || !string.Equals(freq, "YEARLY", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException($"Only yearly VTIMEZONE rules are read, not '{RRule}'.");
            }

            var unsupported = rule.Keys.Except(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYDAY", "BYMONTHDAY", "WKST"]).ToList();
            if (unsupported.Count > 0)
            {
                throw new NotSupportedException($"RRULE part {unsupported[0]} is not read ('{RRule}').");
            }

            var interval = rule.TryGetValue("INTERVAL", out var i) ? Int(i) : 1;
            int? count = rule.TryGetValue("COUNT", out var c) ? Int(c) : null;
            (DateTime Value, bool IsUtc)? until = rule.TryGetValue("UNTIL", out var u) ? ICalendarReader.ParseDateTime(u) : null;
            var months = rule.TryGetValue("BYMONTH", out var m) ? Ints(m) : [Start.Month];
            var monthDays = rule.TryGetValue("BYMONTHDAY", out var md) ? Ints(md) : null;
            var days = rule.TryGetValue("BYDAY", out var bd) ? bd.Split(',').Select(ParseDay).ToList() : null;

            var produced = 0;
            for (var year = Start.Year; year <= lastYear; year += interval)
            {
                foreach (var month in months.Order())
                {
                    foreach (var day in DaysOf(year, month, monthDays, days))
                    {
                        var local = new DateTime(year, month, day) + Start.TimeOfDay;
                        if (local < Start)
                        {
                            continue;
                        }

                        if (until is { } limit && (limit.IsUtc ? local - From : local) > limit.Value)
                        {
                            yield break;
                        }

                        if (count is { } most && produced >= most)
                        {
                            yield break;
                        }

                        produced++;
                        yield return local;
                    }
                }
            }
        }

        private IEnumerable<int> DaysOf(int year, int month, List<int>? monthDays, List<(int? Ordinal, DayOfWeek Day)>? weekdays)
        {
            var length = DateTime.DaysInMonth(year, month);
            var candidates = Enumerable.Range(1, length).ToList();
            if (monthDays is not null)
            {
                candidates = [.. candidates.Where(d => monthDays.Any(x => x > 0 ? x == d : length + 1 + x == d))];
            }
            else if (weekdays is null)
            {
                candidates = Start.Day <= length ? [Start.Day] : [];
            }

            if (weekdays is null)
            {
                return candidates;
            }

            var chosen = new SortedSet<int>();
            foreach (var (ordinal, weekday) in weekdays)
            {
                var matching = candidates.Where(d => new DateTime(year, month, d).DayOfWeek == weekday).ToList();
                if (ordinal is null)
                {
                    chosen.UnionWith(matching);
                }
                else
                {
                    var index = ordinal > 0 ? ordinal.Value - 1 : matching.Count + ordinal.Value;
                    if (index >= 0 && index < matching.Count)
                    {
                        chosen.Add(matching[index]);
                    }
                }
            }

            return chosen;
        }

        private static (int? Ordinal, DayOfWeek Day) ParseDay(string text)
        {
            var value = text.Trim().ToUpperInvariant();
            if (value.Length < 2)
            {
                throw new FormatException($"'{text}' is not a BYDAY value.");
            }

            var code = Array.IndexOf(DayCodes, value[^2..]);
            if (code < 0)
            {
                throw new FormatException($"'{text}' is not a BYDAY value.");
            }

            var prefix = value[..^2];
            return (prefix.Length == 0 ? null : Int(prefix), (DayOfWeek)code);
        }

        private static int Int(string text) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"'{text}' is not a number.");

        private static List<int> Ints(string text) => [.. text.Split(',').Select(Int)];
    }
}
