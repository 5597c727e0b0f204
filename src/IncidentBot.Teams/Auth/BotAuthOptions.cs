namespace IncidentBot.Teams.Auth;

/// <summary>
/// How requests to <c>POST /api/messages</c> are authenticated. With an <see cref="AppId"/> every request needs a valid
/// token. Without one requests are refused, unless <see cref="AllowUnauthenticated"/> is set (a lab with Microsoft 365
/// Agents Playground): then no token is asked for and any Authorization header is ignored.
/// </summary>
public sealed class BotAuthOptions
{
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string DefaultIssuer = "https://api.botframework.com";

    /// <summary>The bot's Microsoft App ID; the audience every inbound token must carry.</summary>
    public string? AppId { get; set; }

    /// <summary>
    /// Without an <see cref="AppId"/>, accept requests that carry no token. Anyone who can reach the endpoint can then
    /// speak as any user, so this is for a lab only. Ignored when an App ID is set.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>Tenants whose activities are accepted (<c>channelData.tenant.id</c>); empty accepts any tenant.</summary>
    public IReadOnlyList<string> AllowedTenants { get; set; } = [];

    /// <summary>The OpenID metadata document naming the issuer and the <c>jwks_uri</c>.</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>The only issuer accepted in inbound tokens.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>Tolerance when checking <c>nbf</c> and <c>exp</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest time fetched metadata and keys are used: a refresh is scheduled for when it passes. A shorter
    /// <c>Cache-Control: max-age</c> on the metadata or the key document brings that refresh forward.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The shortest time between two fetches of metadata and keys, across all key ids. A token with an unknown
    /// <c>kid</c> triggers a fetch only when the last one started at least this long ago, so forged tokens cannot
    /// make the bot hammer the key endpoint, and a key Microsoft has just published is picked up within this long
    /// even while forged kids keep arriving.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}
