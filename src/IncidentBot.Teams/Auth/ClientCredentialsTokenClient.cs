using System.Globalization;
using System.Net;
using System.Text.Json;
using IncidentBot.Core.Http;
using Polly.Timeout;

namespace IncidentBot.Teams.Auth;

/// <summary>
/// Gets app-only access tokens from Microsoft Entra ID with the OAuth 2.0 client credentials grant
/// (<c>POST {loginBaseUrl}{tenant}/oauth2/v2.0/token</c>), for the Bot Connector
/// (scope <c>https://api.botframework.com/.default</c>) as for Microsoft Graph
/// (scope <c>https://graph.microsoft.com/.default</c>).
/// Tokens are cached per (tenant, client id, scope) and fetched again <see cref="RefreshMargin"/> before they
/// expire; concurrent callers that need a fresh token share one request.
/// </summary>
/// <remarks>
/// The instance owns the cache, so register it once (singleton) rather than as a transient typed client;
/// <see cref="TeamsAuthServiceCollectionExtensions.AddTeamsAuth"/> does that.
/// </remarks>
public sealed class ClientCredentialsTokenClient
{
    /// <summary>Public-cloud Entra ID login base URL.</summary>
    public const string DefaultLoginBaseUrl = "https://login.microsoftonline.com/";

    /// <summary>The tenant of legacy multi-tenant bot registrations.</summary>
    public const string BotFrameworkTenant = "botframework.com";

    public const string BotFrameworkScope = "https://api.botframework.com/.default";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The outbound client (and circuit) of the token endpoint.</summary>
    public const string Outbound = "token-endpoint";

    /// <summary>How long before expiry a cached token is replaced.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, CacheEntry> _cache = []; // guarded by _gate

    public ClientCredentialsTokenClient(HttpClient http, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _clock = clock;
    }

    /// <summary>Returns a valid access token, from the cache when it has one that is not about to expire.</summary>
    /// <param name="loginBaseUrl">E.g. <see cref="DefaultLoginBaseUrl"/>; a missing trailing slash is added.</param>
    /// <param name="tenant">A tenant id, or <see cref="BotFrameworkTenant"/> for legacy multi-tenant bots.</param>
    /// <param name="clientId">The app (client) id.</param>
    /// <param name="clientSecret">The client secret; sent in the form body only.</param>
    /// <param name="scope">E.g. <see cref="BotFrameworkScope"/> or <see cref="GraphScope"/>.</param>
    /// <param name="cancellationToken">Cancels this caller's wait; a request others share still completes.</param>
    /// <exception cref="TokenAcquisitionException">The token endpoint refused, was unreachable, or answered nonsense.</exception>
    public async Task<string> GetTokenAsync(
        string loginBaseUrl,
        string tenant,
        string clientId,
        string clientSecret,
        string scope,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loginBaseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);

        var endpoint = TokenEndpoint(loginBaseUrl, tenant);
        var key = new CacheKey(tenant.ToUpperInvariant(), clientId.ToUpperInvariant(), scope);

        Task<CachedToken> pending;
        lock (_gate)
        {
            if (!_cache.TryGetValue(key, out var entry))
            {
                entry = new CacheEntry();
                _cache.Add(key, entry);
            }

            if (entry.Token is { } cached && _clock.GetUtcNow() < cached.RefreshAt)
            {
                return cached.AccessToken;
            }

            if (entry.Pending is not { IsCompleted: false })
            {
                entry.Pending = RequestAndStoreAsync(entry, endpoint, tenant, clientId, clientSecret, scope);
            }

            pending = entry.Pending;
        }

        var token = await pending.WaitAsync(cancellationToken);
        return token.AccessToken;
    }

    private static Uri TokenEndpoint(string loginBaseUrl, string tenant)
    {
        var baseUrl = loginBaseUrl.EndsWith('/') ? loginBaseUrl : loginBaseUrl + "/";
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri))
        {
            throw new ArgumentException("The login base URL must be an absolute URL.", nameof(loginBaseUrl));
        }

        return new Uri(baseUri, $"{Uri.EscapeDataString(tenant.Trim())}/oauth2/v2.0/token");
    }

    private async Task<CachedToken> RequestAndStoreAsync(
        CacheEntry entry, Uri endpoint, string tenant, string clientId, string clientSecret, string scope)
    {
        // Leave the caller's lock before doing any I/O.
        await Task.Yield();
        var token = await RequestAsync(endpoint, tenant, clientId, clientSecret, scope);
        lock (_gate)
        {
            entry.Token = token;
        }

        return token;
    }

    private async Task<CachedToken> RequestAsync(
        Uri endpoint, string tenant, string clientId, string clientSecret, string scope)
    {
        var requestedAt = _clock.GetUtcNow();
        using var form = new FormUrlEncodedContent(
        [
            new KeyValuePair<string, string>("grant_type", "client_credentials"),
            new KeyValuePair<string, string>("client_id", clientId),
            new KeyValuePair<string, string>("client_secret", clientSecret),
            new KeyValuePair<string, string>("scope", scope),
        ]);

        // Asking for a token again only yields another token: safe to repeat after a timeout.
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = form }.MarkSafeToRepeat();
        string body;
        HttpStatusCode status;
        try
        {
            // Shared by every waiting caller, so no one caller's cancellation applies; HttpClient.Timeout bounds it.
            using var response = await _http.SendAsync(request, CancellationToken.None);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutRejectedException)
        {
            throw new TokenAcquisitionException(
                $"Token request for client {clientId}, tenant {tenant}, scope {scope} did not get an answer: {ex.Message}",
                null, null, [], ex);
        }

        if ((int)status < 200 || (int)status > 299)
        {
            throw TokenAcquisitionException.FromErrorResponse(status, body, tenant, clientId, scope);
        }

        return ParseToken(body, requestedAt, status, tenant, clientId, scope);
    }

    private static CachedToken ParseToken(
        string body, DateTimeOffset requestedAt, HttpStatusCode status, string tenant, string clientId, string scope)
    {
        string? accessToken = null;
        long? expiresIn = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
                {
                    accessToken = a.GetString();
                }

                // v2.0 sends a number; the v1 endpoint sent a string.
                if (root.TryGetProperty("expires_in", out var e))
                {
                    if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n))
                    {
                        expiresIn = n;
                    }
                    else if (e.ValueKind == JsonValueKind.String
                        && long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                    {
                        expiresIn = s;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        if (string.IsNullOrEmpty(accessToken) || expiresIn is not > 0)
        {
            throw new TokenAcquisitionException(
                $"Token request for client {clientId}, tenant {tenant}, scope {scope} answered HTTP {(int)status} " +
                "without an access_token and a positive expires_in.",
                status, null, []);
        }

        // Timed from when the request was sent, so the cache never outlives the real token.
        var lifetime = TimeSpan.FromSeconds(expiresIn.Value);
        var expiresAt = requestedAt + lifetime;

        // Normally refresh RefreshMargin early; a token that lives hardly longer than that is kept for half its life
        // instead, so a short-lived token is not fetched again on every call.
        var refreshAt = lifetime > 2 * RefreshMargin ? expiresAt - RefreshMargin : requestedAt + (lifetime / 2);
        return new CachedToken(accessToken, expiresAt, refreshAt);
    }

    private readonly record struct CacheKey(string Tenant, string ClientId, string Scope);

    private sealed record CachedToken(string AccessToken, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt);

    private sealed class CacheEntry
    {
        public CachedToken? Token { get; set; }

        public Task<CachedToken>? Pending { get; set; }
    }
}
