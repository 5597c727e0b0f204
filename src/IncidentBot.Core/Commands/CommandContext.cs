using IncidentBot.Core.Options;

namespace IncidentBot.Core.Commands;

/// <summary>
/// What the grammar needs to know of the configuration: severities and roles in their canonical spelling, and the
/// other words people type for them (<c>Incidents:Severities[].Aliases</c>, <c>Incidents:Roles[].Aliases</c>).
/// </summary>
public sealed record CommandContext(IReadOnlyList<string> Severities, IReadOnlyList<string> Roles)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Alias (any case) → canonical severity name.</summary>
    public IReadOnlyDictionary<string, string> SeverityAliases { get; init; } = None;

    /// <summary>Alias (any case) → canonical role name.</summary>
    public IReadOnlyDictionary<string, string> RoleAliases { get; init; } = None;

    public static CommandContext From(IncidentsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CommandContext(options.SeverityNames, options.RoleNames)
        {
            SeverityAliases = Aliases(options.Severities),
            RoleAliases = Aliases(options.Roles),
        };
    }

    private static Dictionary<string, string> Aliases(IEnumerable<NamedOption> options)
    {
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in options)
        {
            foreach (var alias in option.Aliases)
            {
                aliases.TryAdd(alias.Trim(), option.Name);
            }
        }

        return aliases;
    }
}
