namespace IncidentBot.Core.Commands;

/// <summary>Who is typing where: shapes mention parsing and the usage texts.</summary>
/// <param name="Platform">"slack", "teams" or "console" (see the constants); anything else is read like the console.</param>
/// <param name="CommandPrefix">"/incident" (Slack), "@IncidentBot" (Teams), "" (console); only used in help and usage texts.</param>
/// <param name="Severities">Configured severities, most severe first, in their canonical spelling (e.g. SEV1..SEV4).</param>
/// <param name="Roles">Configured role names in their canonical spelling (e.g. commander, communications, scribe).</param>
/// <param name="TeamsMentions">Teams only: the exact mention text as it appears in the message (e.g. "&lt;at&gt;Alice Smith&lt;/at&gt;") → person.</param>
public sealed record CommandContext(
    string Platform,
    string CommandPrefix,
    IReadOnlyList<string> Severities,
    IReadOnlyList<string> Roles,
    IReadOnlyDictionary<string, PersonMention>? TeamsMentions = null)
{
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Console = "console";

    internal bool IsSlack => string.Equals(Platform, Slack, StringComparison.OrdinalIgnoreCase);

    internal bool IsTeams => string.Equals(Platform, Teams, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A person a mention resolved to. PersonKey: "slack:U024BE7LH", "teams:&lt;aadObjectId&gt;", "console:alice".</summary>
public sealed record PersonMention(string PersonKey, string? DisplayName);
