using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Auth;

/// <summary>
/// Checks the <c>Authorization: Bearer</c> token that the Bot Framework channel service sends with every
/// activity: RS256 signature by a key from the published JWKS, issuer, audience (our App ID), lifetime,
/// the <c>serviceurl</c> claim against the activity, the signing key's endorsement for the activity's
/// channel, and the tenant allow-list. Bad tokens give a failed result; nothing here throws for them.
/// </summary>
/// <remarks>
/// The instance owns the metadata and key cache and the timer that refreshes it, so register it once (singleton)
/// rather than as a transient typed client; <see cref="TeamsAuthServiceCollectionExtensions.AddTeamsAuth"/> does that.
/// </remarks>
public sealed class BotFrameworkTokenValidator : IDisposable
{
    /// <summary>The claim, set by the channel service, naming the service URL the bot must reply to.</summary>
    public const string ServiceUrlClaim = "serviceurl";

    private const long SecondsPerDay = 86_400;

    /// <summary>
    /// After a failed refresh the schedule tries again this much later (or after the minimum refresh interval, if
    /// longer): soon enough that keys are current shortly after an outage, rarely enough that the outage is not a
    /// warning every few seconds. Unknown kids can still trigger refreshes in between.
    /// </summary>
    private static readonly TimeSpan ScheduledRetryDelay = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly BotAuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<BotFrameworkTokenValidator> _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly HashSet<string> _allowedTenants;

    private readonly Lock _refreshGate = new();
    private readonly ITimer? _scheduledRefresh;
    private Task<BotFrameworkSigningKeys?>? _refresh; // guarded by _refreshGate
    private DateTimeOffset? _lastFetchStarted;        // guarded by _refreshGate
    private bool _disposed;                           // guarded by _refreshGate
    private volatile BotFrameworkSigningKeys? _keys;

    public BotFrameworkTokenValidator(
        HttpClient http,
        IOptions<BotAuthOptions> options,
        TimeProvider clock,
        ILogger<BotFrameworkTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);

        _http = http;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _allowedTenants = new HashSet<string>(
            (_options.AllowedTenants ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()),
            StringComparer.OrdinalIgnoreCase);

        if (AuthenticationRequired)
        {
            if (!Uri.TryCreate(_options.OpenIdMetadataUrl, UriKind.Absolute, out var metadataUri)
                || (metadataUri.Scheme != Uri.UriSchemeHttps && metadataUri.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException(
                    $"{nameof(BotAuthOptions.OpenIdMetadataUrl)} must be an absolute http(s) URL.", nameof(options));
            }

            if (string.IsNullOrWhiteSpace(_options.Issuer))
            {
                throw new ArgumentException($"{nameof(BotAuthOptions.Issuer)} must be set.", nameof(options));
            }

            if (_options.ClockSkew < TimeSpan.Zero || _options.ClockSkew > TimeSpan.FromHours(1))
            {
                throw new ArgumentException(
                    $"{nameof(BotAuthOptions.ClockSkew)} must be between zero and one hour.", nameof(options));
            }

            if (_options.MinimumKeyRefreshInterval <= TimeSpan.Zero || _options.MinimumKeyRefreshInterval > _options.KeyCacheDuration)
            {
                throw new ArgumentException(
                    $"{nameof(BotAuthOptions.MinimumKeyRefreshInterval)} must be positive and at most {nameof(BotAuthOptions.KeyCacheDuration)}.",
                    nameof(options));
            }

            _scheduledRefresh = _clock.CreateTimer(
                _ => _ = RefreshKeysAsync("scheduled refresh"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>True when an App ID is configured, so every request must carry a valid token.</summary>
    public bool AuthenticationRequired => !string.IsNullOrWhiteSpace(_options.AppId);

    public void Dispose()
    {
        lock (_refreshGate)
        {
            _disposed = true;
            _scheduledRefresh?.Dispose();
        }
    }

    /// <summary>Checks one inbound request.</summary>
    /// <param name="authorizationHeader">The Authorization header as received; may be null.</param>
    /// <param name="serviceUrl">The activity's <c>serviceUrl</c>.</param>
    /// <param name="channelId">The activity's <c>channelId</c>, e.g. "msteams".</param>
    /// <param name="tenantId">The activity's <c>channelData.tenant.id</c>, if any.</param>
    /// <param name="cancellationToken">Cancels waiting; a key fetch already under way still completes for others.</param>
    public async Task<InboundAuthResult> ValidateAsync(
        string? authorizationHeader,
        string serviceUrl,
        string channelId,
        string? tenantId,
        CancellationToken cancellationToken)
    {
        if (!AuthenticationRequired)
        {
            if (!_options.AllowUnauthenticated)
            {
                return InboundAuthResult.Fail(InboundAuthFailures.UnauthenticatedNotAllowed);
            }

            // A lab without an App ID: the header, if any, is not looked at.
            return TenantAllowed(tenantId)
                ? InboundAuthResult.Success(null)
                : InboundAuthResult.Fail(InboundAuthFailures.TenantNotAllowed);
        }

        if (!TryReadBearer(authorizationHeader, out var rawToken, out var headerFailure))
        {
            return InboundAuthResult.Fail(headerFailure);
        }

        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(rawToken);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return InboundAuthResult.Fail(InboundAuthFailures.MalformedToken);
        }

        // The channel service signs with RS256 only; anything else (including "none") is refused before any key work.
        if (!string.Equals(token.Alg, SecurityAlgorithms.RsaSha256, StringComparison.Ordinal))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.WrongAlgorithm);
        }

        var keyId = !string.IsNullOrEmpty(token.Kid) ? token.Kid : token.X5t;

        var keys = _keys;
        if (keys is null || _clock.GetUtcNow() >= keys.RefreshAt)
        {
            // Normally the scheduled refresh is under way or done; a set past its cache time is not used without trying.
            keys = await RefreshKeysAsync(keys is null ? "no keys yet" : "keys past their cache time").WaitAsync(cancellationToken) ?? keys;
        }

        if (keys is null)
        {
            return InboundAuthResult.Fail(InboundAuthFailures.KeysUnavailable);
        }

        if (string.IsNullOrEmpty(keyId))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.UnknownSigningKey);
        }

        if (!keys.TryGet(keyId, out var signingKey))
        {
            // Keys rotate: look again, but no more often than MinimumKeyRefreshInterval allows, whichever kid asks.
            keys = await RefreshKeysAsync("unknown kid").WaitAsync(cancellationToken) ?? keys;
            if (!keys.TryGet(keyId, out signingKey))
            {
                return InboundAuthResult.Fail(InboundAuthFailures.UnknownSigningKey);
            }
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, CreateValidationParameters(signingKey.Key));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug(ex, "Inbound token could not be validated");
            return InboundAuthResult.Fail(InboundAuthFailures.InvalidToken);
        }

        if (!result.IsValid)
        {
            var failure = Classify(result.Exception);
            _logger.LogDebug(result.Exception, "Inbound token rejected: {Failure}", failure);
            return InboundAuthResult.Fail(failure);
        }

        if (CheckLifetime(token) is { } lifetimeFailure)
        {
            return InboundAuthResult.Fail(lifetimeFailure);
        }

        if (string.IsNullOrEmpty(channelId) || !signingKey.Endorsements.Contains(channelId))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.MissingEndorsement);
        }

        var identity = result.ClaimsIdentity;
        var claimedServiceUrl = identity.FindFirst(ServiceUrlClaim)?.Value;
        if (string.IsNullOrWhiteSpace(claimedServiceUrl))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.MissingServiceUrl);
        }

        if (!ServiceUrlsMatch(claimedServiceUrl, serviceUrl))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.ServiceUrlMismatch);
        }

        if (!TenantAllowed(tenantId))
        {
            return InboundAuthResult.Fail(InboundAuthFailures.TenantNotAllowed);
        }

        return InboundAuthResult.Success(identity);
    }

    private static bool TryReadBearer(string? header, out string token, out string failure)
    {
        token = string.Empty;
        failure = string.Empty;
        if (string.IsNullOrWhiteSpace(header))
        {
            failure = InboundAuthFailures.MissingToken;
            return false;
        }

        var trimmed = header.Trim();
        if (trimmed.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            failure = InboundAuthFailures.MissingToken;
            return false;
        }

        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !trimmed[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            failure = InboundAuthFailures.NotBearer;
            return false;
        }

        token = trimmed[(space + 1)..].Trim();
        if (token.Length == 0 || token.Contains(' ', StringComparison.Ordinal))
        {
            failure = InboundAuthFailures.MalformedToken;
            return false;
        }

        return true;
    }

    private TokenValidationParameters CreateValidationParameters(SecurityKey key) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = _options.Issuer,
        ValidateAudience = true,
        ValidAudience = _options.AppId,
        // Lifetime is checked against the injected clock in CheckLifetime; IdentityModel would read the system clock.
        ValidateLifetime = false,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false, // the key came from the published set; there is no certificate lifetime to check
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ValidateTokenReplay = false,
        SaveSigninToken = false,
    };

    private string? CheckLifetime(JsonWebToken token)
    {
        if (!TryReadTime(token, JwtRegisteredClaimNames.Exp, out var expires))
        {
            return InboundAuthFailures.NoExpiry;
        }

        var now = _clock.GetUtcNow();
        var skew = _options.ClockSkew;
        if (now > expires + skew)
        {
            return InboundAuthFailures.Expired;
        }

        if (token.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Nbf, out _))
        {
            if (!TryReadTime(token, JwtRegisteredClaimNames.Nbf, out var notBefore))
            {
                return InboundAuthFailures.InvalidToken;
            }

            if (now < notBefore - skew)
            {
                return InboundAuthFailures.NotYetValid;
            }
        }

        return null;
    }

    private static bool TryReadTime(JsonWebToken token, string claim, out DateTimeOffset time)
    {
        time = default;
        if (!token.TryGetPayloadValue<long>(claim, out var seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() + SecondsPerDay
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds() - SecondsPerDay)
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static string Classify(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => InboundAuthFailures.WrongAudience,
        SecurityTokenInvalidIssuerException => InboundAuthFailures.WrongIssuer,
        SecurityTokenInvalidAlgorithmException => InboundAuthFailures.WrongAlgorithm,
        SecurityTokenInvalidSignatureException => InboundAuthFailures.BadSignature,
        SecurityTokenMalformedException => InboundAuthFailures.MalformedToken,
        _ => InboundAuthFailures.InvalidToken,
    };

    private static bool ServiceUrlsMatch(string claimed, string? activity)
    {
        if (string.IsNullOrWhiteSpace(activity))
        {
            return false;
        }

        return string.Equals(claimed.Trim().TrimEnd('/'), activity.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }

    private bool TenantAllowed(string? tenantId) =>
        _allowedTenants.Count == 0 || (!string.IsNullOrWhiteSpace(tenantId) && _allowedTenants.Contains(tenantId.Trim()));

    /// <summary>
    /// Fetches metadata and keys, sharing one fetch among concurrent callers and starting none if the last
    /// one started less than <see cref="BotAuthOptions.MinimumKeyRefreshInterval"/> ago. Never throws:
    /// on failure the keys held so far (possibly none) are returned.
    /// </summary>
    private Task<BotFrameworkSigningKeys?> RefreshKeysAsync(string reason)
    {
        lock (_refreshGate)
        {
            if (_disposed)
            {
                return Task.FromResult(_keys);
            }

            if (_refresh is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _clock.GetUtcNow();
            if (_lastFetchStarted is { } last && now - last < _options.MinimumKeyRefreshInterval)
            {
                return Task.FromResult(_keys);
            }

            _lastFetchStarted = now;
            _refresh = FetchKeysAsync(reason);
            return _refresh;
        }
    }

    private async Task<BotFrameworkSigningKeys?> FetchKeysAsync(string reason)
    {
        // Leave the caller's lock before doing any I/O.
        await Task.Yield();
        try
        {
            var (metadataJson, metadataMaxAge) = await GetAsync(_options.OpenIdMetadataUrl);
            var metadata = OpenIdConnectConfiguration.Create(metadataJson);
            if (string.IsNullOrWhiteSpace(metadata.JwksUri)
                || !Uri.TryCreate(new Uri(_options.OpenIdMetadataUrl), metadata.JwksUri, out var jwksUri))
            {
                throw new FormatException("The OpenID metadata document has no usable jwks_uri.");
            }

            var (jwksJson, keysMaxAge) = await GetAsync(jwksUri.AbsoluteUri);
            var keys = BotFrameworkSigningKeys.Parse(jwksJson, _clock.GetUtcNow() + CacheTime(metadataMaxAge, keysMaxAge));
            if (keys.Count == 0)
            {
                throw new FormatException("The JWKS document holds no usable RSA signing keys.");
            }

            _keys = keys;
            ScheduleRefresh(keys.RefreshAt - _clock.GetUtcNow());
            _logger.LogInformation(
                "Fetched {KeyCount} Bot Framework signing keys from {JwksUri} ({Reason}); next refresh at {RefreshAt:o}",
                keys.Count, jwksUri, reason, keys.RefreshAt);
            return keys;
        }
        catch (Exception ex)
        {
            var held = _keys;
            if (held is not null)
            {
                // With no keys held, the next request asks again; with keys held, nobody might until they are old.
                ScheduleRefresh(ScheduledRetryDelay > _options.MinimumKeyRefreshInterval ? ScheduledRetryDelay : _options.MinimumKeyRefreshInterval);
            }

            _logger.LogWarning(
                ex,
                "Fetching Bot Framework OpenID metadata or signing keys from {MetadataUrl} failed ({Reason}); {Fallback}",
                _options.OpenIdMetadataUrl,
                reason,
                held is null ? "no keys are held, tokens are rejected" : "keeping the keys fetched before");
            return held;
        }
    }

    /// <summary>
    /// How long a fetched set is used: what the documents say (<c>max-age</c>, the shorter of the two), else
    /// <see cref="BotAuthOptions.KeyCacheDuration"/>; never longer than that, and never shorter than the minimum
    /// refresh interval, so the schedule alone cannot fetch more often than unknown kids may.
    /// </summary>
    private TimeSpan CacheTime(TimeSpan? metadataMaxAge, TimeSpan? keysMaxAge)
    {
        var cacheTime = _options.KeyCacheDuration;
        foreach (var maxAge in new[] { metadataMaxAge, keysMaxAge })
        {
            if (maxAge is { } published && published < cacheTime)
            {
                cacheTime = published;
            }
        }

        return cacheTime < _options.MinimumKeyRefreshInterval ? _options.MinimumKeyRefreshInterval : cacheTime;
    }

    private void ScheduleRefresh(TimeSpan dueIn)
    {
        lock (_refreshGate)
        {
            if (!_disposed)
            {
                _scheduledRefresh?.Change(dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task<(string Body, TimeSpan? MaxAge)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url), HttpCompletionOption.ResponseContentRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        // Only max-age shortens the cache: no-cache or no-store would mean a refetch every few seconds for ever.
        var cacheControl = response.Headers.CacheControl;
        var maxAge = cacheControl is { NoStore: false, NoCache: false } ? cacheControl.MaxAge : null;
        return (await response.Content.ReadAsStringAsync(), maxAge);
    }
}
