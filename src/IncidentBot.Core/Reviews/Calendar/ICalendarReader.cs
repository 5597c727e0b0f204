using System.Globalization;
using System.Text;

namespace IncidentBot.Core.Reviews.Calendar;

/// <summary>One content line: NAME;PARAM=value:VALUE. Names are upper-cased; parameter names compare case-insensitively.</summary>
public sealed record ICalProperty(string Name, IReadOnlyDictionary<string, string> Parameters, string Value)
{
    /// <summary>The value read as RFC 5545 TEXT (escapes undone).</summary>
    public string Text => ICalendarReader.UnescapeText(Value);

    /// <summary>The parameter's value (quotes removed; several values joined with a comma), or null.</summary>
    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A BEGIN:NAME … END:NAME block with its properties and nested components, in file order.</summary>
public sealed class ICalComponent(string name)
{
    public string Name { get; } = name;

    public List<ICalProperty> Properties { get; } = [];

    public List<ICalComponent> Components { get; } = [];

    public ICalProperty? Property(string name) =>
        Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ICalProperty> PropertiesNamed(string name) =>
        Properties.Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ICalComponent> ComponentsNamed(string name) =>
        Components.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first property of that name read as TEXT, or null.</summary>
    public string? Text(string name) => Property(name)?.Text;
}

/// <summary>
/// A small RFC 5545 reader: unfolds lines, splits properties and their parameters (quoted values included),
/// nests components and undoes TEXT escaping. It also reads DATE-TIME values, resolving TZID through the
/// calendar's own VTIMEZONE (see <see cref="ICalTimeZone"/>), which makes it an independent check of a writer.
/// </summary>
public static class ICalendarReader
{
    /// <exception cref="FormatException">A malformed line or unbalanced BEGIN/END.</exception>
    public static IReadOnlyList<ICalComponent> Parse(string ics)
    {
        ArgumentNullException.ThrowIfNull(ics);
        var roots = new List<ICalComponent>();
        var open = new Stack<ICalComponent>();
        foreach (var line in Unfold(ics))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var property = ParseLine(line);
            if (property.Name == "BEGIN")
            {
                var component = new ICalComponent(property.Value.Trim().ToUpperInvariant());
                (open.Count > 0 ? open.Peek().Components : roots).Add(component);
                open.Push(component);
            }
            else if (property.Name == "END")
            {
                var name = property.Value.Trim().ToUpperInvariant();
                if (open.Count == 0 || open.Peek().Name != name)
                {
                    throw new FormatException($"END:{name} does not close the open component ({(open.Count == 0 ? "none" : open.Peek().Name)}).");
                }

                open.Pop();
            }
            else if (open.Count == 0)
            {
                throw new FormatException($"Property {property.Name} outside of any component.");
            }
            else
            {
                open.Peek().Properties.Add(property);
            }
        }

        return open.Count > 0 ? throw new FormatException($"BEGIN:{open.Peek().Name} is never closed.") : roots;
    }

    /// <summary>Logical lines: a line break followed by one space or tab continues the previous line. Accepts CRLF or bare LF.</summary>
    public static IReadOnlyList<string> Unfold(string ics)
    {
        ArgumentNullException.ThrowIfNull(ics);
        var lines = new List<StringBuilder>();
        foreach (var raw in ics.Split('\n'))
        {
            var physical = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (physical.Length > 0 && (physical[0] == ' ' || physical[0] == '\t'))
            {
                if (lines.Count == 0)
                {
                    throw new FormatException("The calendar starts with a continuation line.");
                }

                lines[^1].Append(physical, 1, physical.Length - 1);
            }
            else
            {
                lines.Add(new StringBuilder(physical));
            }
        }

        return [.. lines.Select(l => l.ToString())];
    }

    /// <summary>Splits one unfolded content line into name, parameters and value.</summary>
    public static ICalProperty ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var i = 0;
        var name = ReadUntil(line, ref i, ";:");
        if (name.Length == 0 || i >= line.Length)
        {
            throw new FormatException($"Not a content line: '{line}'.");
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (line[i] == ';')
        {
            i++;
            var parameter = ReadUntil(line, ref i, "=");
            if (parameter.Length == 0 || i >= line.Length)
            {
                throw new FormatException($"Malformed parameter in '{line}'.");
            }

            i++;
            var values = new List<string>();
            while (true)
            {
                if (i < line.Length && line[i] == '"')
                {
                    var close = line.IndexOf('"', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"Unterminated quoted parameter value in '{line}'.");
                    }

                    values.Add(line[(i + 1)..close]);
                    i = close + 1;
                }
                else
                {
                    values.Add(ReadUntil(line, ref i, ",;:"));
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }

                break;
            }

            if (i >= line.Length)
            {
                throw new FormatException($"Missing ':' in '{line}'.");
            }

            var joined = string.Join(",", values);
            var key = parameter.ToUpperInvariant();
            parameters[key] = parameters.TryGetValue(key, out var earlier) ? earlier + "," + joined : joined;
        }

        if (line[i] != ':')
        {
            throw new FormatException($"Missing ':' in '{line}'.");
        }

        return new ICalProperty(name.ToUpperInvariant(), parameters, line[(i + 1)..]);
    }

    /// <summary>Undoes RFC 5545 TEXT escaping: \\ \; \, and \n or \N (newline).</summary>
    public static string UnescapeText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                text.Append(value[i]);
                continue;
            }

            var next = value[++i];
            text.Append(next is 'n' or 'N' ? '\n' : next);
        }

        return text.ToString();
    }

    /// <summary>
    /// A DATE-TIME (or DATE) property as an instant: the UTC form as is; a TZID form through the VTIMEZONE of that
    /// id in <paramref name="calendar"/>, else through the system's zone of that id. Floating times come back with
    /// <see cref="DateTimeKind.Unspecified"/>.
    /// </summary>
    public static DateTime ToUtc(ICalProperty property, ICalComponent? calendar)
    {
        ArgumentNullException.ThrowIfNull(property);
        var (value, isUtc) = ParseDateTime(property.Value);
        if (isUtc)
        {
            return value;
        }

        var tzid = property.Parameter("TZID");
        if (tzid is null)
        {
            return value;
        }

        var vtimezone = calendar?.ComponentsNamed("VTIMEZONE").FirstOrDefault(z => z.Text("TZID") == tzid);
        return vtimezone is not null
            ? ICalTimeZone.FromComponent(vtimezone).ToUtc(value)
            : ZoneMath.ToUtc(value, TimeZoneInfo.FindSystemTimeZoneById(tzid));
    }

    /// <summary>yyyyMMdd, yyyyMMddTHHmmss or yyyyMMddTHHmmssZ.</summary>
    public static (DateTime Value, bool IsUtc) ParseDateTime(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var isUtc = text.EndsWith('Z');
        var format = text.Length == 8 ? "yyyyMMdd" : isUtc ? "yyyyMMdd'T'HHmmss'Z'" : "yyyyMMdd'T'HHmmss";
        if (!DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            throw new FormatException($"'{value}' is not an iCalendar DATE or DATE-TIME.");
        }

        return (DateTime.SpecifyKind(parsed, isUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified), isUtc);
    }

    private static string ReadUntil(string line, ref int i, string stops)
    {
        var start = i;
        while (i < line.Length && !stops.Contains(line[i], StringComparison.Ordinal))
        {
            i++;
        }

        return line[start..i];
    }
}
