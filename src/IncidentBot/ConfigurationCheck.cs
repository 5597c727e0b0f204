using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Http;
using IncidentBot.Core.Options;
using IncidentBot.Slack;
using IncidentBot.Teams;
using IncidentBot.Web;

namespace IncidentBot;

/// <summary>
/// Reads our sections of the configuration against the options classes before anything binds them, so that every value
/// that cannot be converted is reported at once, one line each, naming the setting (the binder stops at the first, with
/// a message about .NET types); and so that a key no option reads (<c>Storage:Provder</c>) is warned about, with the
/// known key it most likely meant, instead of being ignored without a word.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Each section with the options classes bound to it (Reviews feeds two).</summary>
    private static readonly (string Section, Type[] Types)[] Sections =
    [
        (StorageOptions.Section, [typeof(StorageOptions)]),
        (OutboxOptions.Section, [typeof(OutboxOptions)]),
        (OutboundOptions.Section, [typeof(OutboundOptions)]),
        (IncidentsOptions.Section, [typeof(IncidentsOptions)]),
        (ReviewsOptions.Section, [typeof(ReviewsOptions), typeof(FacilitatorOptions)]),
        (WebOptions.Section, [typeof(WebOptions)]),
        (SlackOptions.Section, [typeof(SlackOptions)]),
        (TeamsOptions.Section, [typeof(TeamsOptions)]),
    ];

    public sealed record Result(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

    public static Result Inspect(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var (section, types) in Sections)
        {
            var node = configuration.GetSection(section);
            if (node.Exists())
            {
                CheckObject(node, section, types, errors, warnings);
            }
        }

        return new Result(errors, warnings);
    }

    private static void CheckObject(IConfigurationSection node, string path, Type[] types, List<string> errors, List<string> warnings)
    {
        var properties = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || !IsSimple(p.PropertyType)))
            .ToList();
        foreach (var child in node.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            var key = $"{path}:{child.Key}";
            if (property is null)
            {
                var near = Spelling.Closest(child.Key, properties.Select(p => p.Name));
                warnings.Add(near is null
                    ? $"Configuration warning: {key} is not a setting IncidentBot reads; it is ignored."
                    : $"Configuration warning: {key} is not a setting IncidentBot reads; did you mean {path}:{near}?");
                continue;
            }

            CheckValue(child, key, property.PropertyType, errors, warnings);
        }
    }

    private static void CheckValue(IConfigurationSection node, string key, Type type, List<string> errors, List<string> warnings)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsSimple(target))
        {
            if (!string.IsNullOrEmpty(node.Value) && !Converts(node.Value, target))
            {
                errors.Add($"Configuration error: {key} \"{node.Value}\" {Expected(target)}");
            }

            return;
        }

        if (Element(target) is { } element)
        {
            var dictionary = target.IsGenericType && target.GetGenericArguments().Length == 2;
            foreach (var item in node.GetChildren())
            {
                if (!dictionary && !int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"Configuration error: {key} is a list; write {key}:0, {key}:1, … (got {key}:{item.Key}).");
                    continue;
                }

                CheckValue(item, $"{key}:{item.Key}", element, errors, warnings);
            }

            return;
        }

        if (target.IsClass && node.Value is null)
        {
            CheckObject(node, key, [target], errors, warnings);
        }
    }

    private static bool IsSimple(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal) || target == typeof(TimeSpan)
            || target == typeof(DateTimeOffset) || target == typeof(DateTime) || target == typeof(Uri) || target == typeof(TimeOnly)
            || target == typeof(DateOnly) || target == typeof(Guid);
    }

    /// <summary>The element type of a list, array or dictionary (its values), else null.</summary>
    private static Type? Element(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        return arguments[^1];
    }

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            // The binder reads names ignoring case, and numbers; "Funday" is neither.
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && (Enum.IsDefined(type, parsed!) || !char.IsAsciiDigit(value.Trim()[0]));
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or NotSupportedException or InvalidCastException
            || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(DayOfWeek) => "is not a day (Monday … Sunday)",
        _ when type.IsEnum => $"is not one of {string.Join(", ", Enum.GetNames(type))}",
        _ when type == typeof(bool) => "is not true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) => "is not a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "is not a number",
        _ when type == typeof(TimeSpan) => "is not a duration (hh:mm:ss, or d.hh:mm:ss)",
        _ when type == typeof(Uri) => "is not an address",
        _ when type == typeof(TimeOnly) => "is not a time of day (hh:mm)",
        _ when type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) => "is not a date",
        _ => $"can't be read as {type.Name}",
    };
}

/// <summary>
/// Start-up stopped on settings: one line per problem, for the operator rather than for a stack trace.
/// <paramref name="cause"/> is the validators' own exception, where they raised one.
/// </summary>
internal sealed class ConfigurationErrorsException(IReadOnlyList<string> lines, Exception? cause = null)
    : Exception(string.Join(Environment.NewLine, lines), cause)
{
    public IReadOnlyList<string> Lines { get; } = lines;

    /// <summary>
    /// The lines to print for <paramref name="error"/> when it is about settings: ours as they are, and the options
    /// validators' failures (which name the setting) each as "Configuration error: …", without repeats. Empty otherwise.
    /// </summary>
    public static IReadOnlyList<string> LinesOf(Exception error)
    {
        var lines = new List<string>();
        Collect(error, lines);
        return lines.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Collect(Exception? error, List<string> lines)
    {
        switch (error)
        {
            case null:
                return;
            case ConfigurationErrorsException ours:
                lines.AddRange(ours.Lines);
                return;
            case Microsoft.Extensions.Options.OptionsValidationException validation:
                lines.AddRange(validation.Failures.Select(f => "Configuration error: " + f.Trim()));
                return;
            case AggregateException aggregate:
                var before = lines.Count;
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                if (lines.Count == before)
                {
                    lines.Clear();
                }

                return;
            default:
                Collect(error.InnerException, lines);
                return;
        }
    }
}
