using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

/// <summary>A named level or role with a line that explains it (shown in forms and help).</summary>
public sealed class NamedOption
{
    public string Name { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;

    /// <summary>Other words people type for it (<c>P1</c>, <c>critical</c>; <c>ic</c>, <c>comms</c>), matched ignoring case. Default none.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>
    /// Severities only: remind the commander after this many minutes without an update (0: never). Unset: 30 for the
    /// most severe level, 60 for the next, never for the rest.
    /// </summary>
    public int? UpdateReminderMinutes { get; set; }

    /// <summary>Roles only: what the person who takes the role is told, privately. Unset: a built-in text for commander, communications and scribe, else the description.</summary>
    public string? Briefing { get; set; }
}

/// <summary>Settings under <c>Incidents</c>.</summary>
public sealed class IncidentsOptions
{
    public const string Section = "Incidents";

    /// <summary>Ordered, most severe first. Default SEV1…SEV4.</summary>
    public List<NamedOption> Severities { get; set; } = [];

    /// <summary>Severity when a declare names none. Default: the last but one (SEV3).</summary>
    public string? DefaultSeverity { get; set; }

    /// <summary>Roles; the first is the lead. Default commander, communications, scribe.</summary>
    public List<NamedOption> Roles { get; set; } = [];

    /// <summary>IANA zone in which times typed without a zone (<c>impact-started 14:05</c>) are read. Default UTC.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Who may do what, by action (<c>Resolve = ["declarer", "roles", "facilitators"]</c>); an action not listed keeps
    /// its default (<see cref="Access.PermissionTable.Defaults"/>).
    /// </summary>
    public Dictionary<string, List<string>> Permissions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long before the declare impact may have started (<c>impact-started</c>); an earlier start is refused as a
    /// typo rather than stretching every duration. Default 7 days.
    /// </summary>
    public TimeSpan MaxImpactLead { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An open incident with no activity (no timeline entry, no change) for this many hours is nudged in its channel; 0: never. Default 24.</summary>
    public double StaleAfterHours { get; set; } = 24;

    /// <summary>How long a commander may go without posting an update before being reminded, or null when the severity has no reminder.</summary>
    public TimeSpan? UpdateReminderFor(string severity)
    {
        var rank = RankOf(severity);
        if (rank < 0)
        {
            return null;
        }

        var minutes = Severities[rank].UpdateReminderMinutes ?? rank switch
        {
            0 => 30,
            1 => 60,
            _ => 0,
        };
        return minutes > 0 ? TimeSpan.FromMinutes(minutes) : null;
    }

    public TimeSpan? StaleAfter => StaleAfterHours > 0 ? TimeSpan.FromHours(StaleAfterHours) : null;

    /// <summary>What taking <paramref name="role"/> means, for the private briefing of whoever takes it.</summary>
    public string BriefingFor(string role)
    {
        var option = Roles.FirstOrDefault(r => string.Equals(r.Name, role, StringComparison.OrdinalIgnoreCase));
        if (option?.Briefing is { Length: > 0 } configured)
        {
            return configured;
        }

        return role.ToLowerInvariant() switch
        {
            "commander" => "You lead the response: decide, delegate, and keep the status current. Post an update for stakeholders regularly "
                + $"({Commands.ChatMarkup.Command("update …")}); you will be reminded when one is due. Hand over with {Commands.ChatMarkup.Command("role commander @someone")} before you step away.",
            "communications" => "You keep stakeholders and customers informed: turn what responders learn into updates "
                + $"({Commands.ChatMarkup.Command("update …")}), answer questions from outside the channel, and agree customer-facing wording with the commander.",
            "scribe" => $"You capture what happens: add decisions and findings to the timeline ({Commands.ChatMarkup.Command("note …")}), "
                + $"record when impact started ({Commands.ChatMarkup.Command("impact-started …")}) and add follow-ups as they come up ({Commands.ChatMarkup.Command("action …")}).",
            _ => option?.Description is { Length: > 0 } description ? description : $"You are the incident's {role}.",
        };
    }

    public IReadOnlyList<string> SeverityNames => Severities.Select(s => s.Name).ToList();

    public IReadOnlyList<string> RoleNames => Roles.Select(r => r.Name).ToList();

    public string LeadRole => Roles[0].Name;

    public string EffectiveDefaultSeverity =>
        DefaultSeverity is { Length: > 0 } configured
            ? CanonicalSeverity(configured) ?? throw new InvalidOperationException($"Incidents:DefaultSeverity '{configured}' is not a configured severity.")
            : Severities[Math.Max(0, Severities.Count - 2)].Name;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>0 is the most severe.</summary>
    public int RankOf(string severity) =>
        Severities.FindIndex(s => string.Equals(s.Name, severity, StringComparison.OrdinalIgnoreCase));

    public string? CanonicalSeverity(string? name) =>
        Severities.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))?.Name
        ?? Severities.FirstOrDefault(s => s.Aliases.Any(a => string.Equals(a.Trim(), name?.Trim(), StringComparison.OrdinalIgnoreCase)))?.Name;

    public string? CanonicalRole(string? name) =>
        Roles.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))?.Name
        ?? Roles.FirstOrDefault(r => r.Aliases.Any(a => string.Equals(a.Trim(), name?.Trim(), StringComparison.OrdinalIgnoreCase)))?.Name;
}

/// <summary>Fills defaults after binding: binding a list appends to it, so defaults cannot live in the initialiser.</summary>
internal sealed class IncidentsOptionsDefaults : IPostConfigureOptions<IncidentsOptions>
{
    /// <summary>
    /// A permission written as one line (<c>Incidents__Permissions__Resolve=lead,facilitators</c>) is a list too: the
    /// binder would leave it out silently, and the default would stand without a word.
    /// </summary>
    public static void ReadPermissionLines(IncidentsOptions options, IConfiguration configuration)
    {
        foreach (var row in configuration.GetSection($"{IncidentsOptions.Section}:Permissions").GetChildren().Where(r => r.Value is not null && !r.GetChildren().Any()))
        {
            options.Permissions[row.Key] = row.Value!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        }
    }

    public void PostConfigure(string? name, IncidentsOptions options)
    {
        if (options.Severities.Count == 0)
        {
            options.Severities.AddRange(
            [
                new() { Name = "SEV1", Description = "Critical: customers broadly affected, revenue or data at risk" },
                new() { Name = "SEV2", Description = "Major: a key feature is down or badly degraded for many customers" },
                new() { Name = "SEV3", Description = "Minor: partial degradation, a workaround exists" },
                new() { Name = "SEV4", Description = "Low: little customer impact; worth tracking" },
            ]);
        }

        if (options.Roles.Count == 0)
        {
            options.Roles.AddRange(
            [
                new() { Name = "commander", Description = "Leads the response: decides, delegates, keeps the status current", Aliases = ["ic", "lead"] },
                new() { Name = "communications", Description = "Keeps stakeholders and customers informed", Aliases = ["comms"] },
                new() { Name = "scribe", Description = "Captures what happens in the timeline" },
            ]);
        }
    }
}

internal sealed class IncidentsOptionsValidator : IValidateOptions<IncidentsOptions>
{
    public ValidateOptionsResult Validate(string? name, IncidentsOptions options)
    {
        var errors = new List<string>();
        CheckNames(options.Severities, "Incidents:Severities", errors);
        CheckNames(options.Roles, "Incidents:Roles", errors);
        if (options.DefaultSeverity is { Length: > 0 } d && options.CanonicalSeverity(d) is null)
        {
            errors.Add($"Incidents:DefaultSeverity '{d}' is not one of Incidents:Severities ({string.Join(", ", options.SeverityNames)}).");
        }

        _ = Access.PermissionTable.From(options.Permissions, errors);
        if (!TryZone(options.TimeZone))
        {
            errors.Add($"Incidents:TimeZone '{options.TimeZone}' is not a known IANA time zone (for example Europe/Berlin, America/New_York, UTC).");
        }

        for (var i = 0; i < options.Severities.Count; i++)
        {
            if (options.Severities[i].UpdateReminderMinutes is < 0)
            {
                errors.Add($"Incidents:Severities:{i}:UpdateReminderMinutes must be 0 (no reminder) or more (got {options.Severities[i].UpdateReminderMinutes}).");
            }

            if (options.Severities[i].Briefing is not null)
            {
                errors.Add($"Incidents:Severities:{i}:Briefing is a setting of roles (Incidents:Roles:N:Briefing), not of severities.");
            }
        }

        for (var i = 0; i < options.Roles.Count; i++)
        {
            if (options.Roles[i].UpdateReminderMinutes is not null)
            {
                errors.Add($"Incidents:Roles:{i}:UpdateReminderMinutes is a setting of severities (Incidents:Severities:N:UpdateReminderMinutes), not of roles.");
            }
        }

        if (options.StaleAfterHours < 0 || double.IsNaN(options.StaleAfterHours))
        {
            errors.Add($"Incidents:StaleAfterHours must be 0 (never) or more (got {options.StaleAfterHours}).");
        }

        if (options.MaxImpactLead <= TimeSpan.Zero)
        {
            errors.Add($"Incidents:MaxImpactLead must be positive, for example 7.00:00:00 for a week (got '{options.MaxImpactLead}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool TryZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static void CheckNames(List<NamedOption> list, string key, List<string> errors)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var n = list[i].Name;
            if (string.IsNullOrWhiteSpace(n) || n.Any(char.IsWhiteSpace))
            {
                errors.Add($"{key}:{i}:Name must be one word (got '{n}').");
            }
        }

        var dupes = list.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0)
        {
            errors.Add($"{key} names must be unique (repeated: {string.Join(", ", dupes)}).");
        }

        for (var i = 0; i < list.Count; i++)
        {
            for (var a = 0; a < list[i].Aliases.Count; a++)
            {
                var alias = list[i].Aliases[a];
                if (string.IsNullOrWhiteSpace(alias) || alias.Trim().Any(char.IsWhiteSpace))
                {
                    errors.Add($"{key}:{i}:Aliases:{a} must be one word (got '{alias}').");
                    continue;
                }

                var taken = list.Where((other, j) => string.Equals(other.Name, alias.Trim(), StringComparison.OrdinalIgnoreCase)
                    || (j != i && other.Aliases.Any(x => string.Equals(x.Trim(), alias.Trim(), StringComparison.OrdinalIgnoreCase)))).Select(o => o.Name).FirstOrDefault();
                if (taken is not null)
                {
                    errors.Add($"{key}:{i}:Aliases:{a} '{alias}' already means {taken}.");
                }
            }
        }
    }
}
