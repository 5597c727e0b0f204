using System.Text.RegularExpressions;

namespace IncidentBot.Core.Domain;

/// <summary>
/// People are written <c>platform:id</c> everywhere (<c>slack:U024BE7LH</c>, <c>teams:&lt;aadObjectId&gt;</c>,
/// <c>console:alice</c>); this is the one place that knows the format. Each platform's ids have a shape: Slack user ids
/// are U or W and uppercase letters and digits; Teams people are their Entra object id (a GUID) or, where Teams gives no
/// object id, their Bot Framework id (<c>29:</c> and base64url); console names are letters, digits, '.', '_' and '-'.
/// Anything else is not a person, however it arrived.
/// </summary>
public static partial class PersonKey
{
    public const int MaxConsoleNameLength = 64;
    /// <summary><c>system</c> is the bot's own reader (API tokens, exports); no one can sign in as it.</summary>
    public static readonly IReadOnlyList<string> Platforms = ["slack", "teams", "console", "system"];

    public static string Create(string platform, string id) => $"{platform.ToLowerInvariant()}:{id}";

    public static bool TryParse(string? value, out string platform, out string id)
    {
        platform = id = string.Empty;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        platform = value[..colon].ToLowerInvariant();
        id = value[(colon + 1)..];
        return IsPlatformId(platform, id);
    }

    /// <summary>Whether <paramref name="id"/> has the shape <paramref name="platform"/> gives its people's ids.</summary>
    public static bool IsPlatformId(string platform, string id) => platform switch
    {
        "slack" => SlackUserId().IsMatch(id),
        "teams" => Guid.TryParseExact(id, "D", out _) || TeamsUserId().IsMatch(id),
        "console" => id.Length <= MaxConsoleNameLength && ConsoleName().IsMatch(id),
        "system" => SystemName().IsMatch(id),
        _ => false,
    };

    public static bool IsValid(string? value) => TryParse(value, out _, out _);

    [GeneratedRegex(@"\A[UW][A-Z0-9]{1,31}\z")]
    private static partial Regex SlackUserId();

    [GeneratedRegex(@"\A29:[A-Za-z0-9_-]{1,128}\z")]
    private static partial Regex TeamsUserId();

    [GeneratedRegex(@"\A[\p{L}\p{N}._-]+\z")]
    private static partial Regex ConsoleName();

    [GeneratedRegex(@"\A[a-z]{1,32}\z")]
    private static partial Regex SystemName();

    public static string PlatformOf(string key) => TryParse(key, out var p, out _) ? p : string.Empty;
}

/// <summary>Who is acting: the person, the name to show, and the Slack team / Teams tenant they came from.</summary>
public sealed record Actor(string PersonKey, string DisplayName, string? TenantId = null)
{
    public string Platform => Domain.PersonKey.PlatformOf(PersonKey);

    /// <summary>Scripts holding a <c>Web:ApiTokens</c> token: read access to every incident, like a facilitator.</summary>
    public static Actor Api { get; } = new("system:api", "API");

    /// <summary>A console user; the console has no tenants.</summary>
    public static Actor Console(string name) => new(Domain.PersonKey.Create("console", name), name);
}
