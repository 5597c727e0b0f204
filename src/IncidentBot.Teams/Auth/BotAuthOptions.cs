namespace IncidentBot.Teams.Auth;

/// <summary>
/// How requests to <c>POST /api/messages</c> are authenticated. Without an <see cref="AppId"/> the bot
/// runs unauthenticated (local use only): no token is asked for and any Authorization header is ignored.
/// </summary>
public sealed class BotAuthOptions
{
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string DefaultIssuer = "https://api.botframework.com";

    /// <summary>The bot's Microsoft App ID; the audience every inbound token must carry.</summary>
    public string? AppId { get; set; }

    /// <summary>Tenants whose activities are accepted (<c>channelData.tenant.id</c>); empty accepts any tenant.</summary>
    public IReadOnlyList<string> AllowedTenants { get; set; } = [];

    /// <summary>The OpenID metadata document naming the issuer and the <c>jwks_uri</c>.</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>The only issuer accepted in inbound tokens.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>Tolerance when checking <c>nbf</c> and <c>exp</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long fetched metadata and signing keys are used before they are fetched again.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The shortest time between two fetches of metadata and keys. A token with an unknown <c>kid</c>
    /// triggers a fetch only when the last one is at least this old, so forged tokens cannot make the
    /// bot hammer the key endpoint; the same holds for retries after a failed fetch.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
