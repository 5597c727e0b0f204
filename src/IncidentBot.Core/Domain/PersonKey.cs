namespace IncidentBot.Core.Domain;

/// <summary>
/// People are written <c>platform:id</c> everywhere (<c>slack:U024BE7LH</c>, <c>teams:&lt;aadObjectId&gt;</c>,
/// <c>console:alice</c>); this is the one place that knows the format.
/// </summary>
public static class PersonKey
{
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
        return Platforms.Contains(platform) && !id.Any(char.IsWhiteSpace);
    }

    public static bool IsValid(string? value) => TryParse(value, out _, out _);

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
