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
/// The instance owns the metadata and key cache, so register it once (singleton) rather than as a
/// transient typed client; <see cref="TeamsAuthServiceCollectionExtensions.AddTeamsAuth"/> does that.
/// </remarks>
public sealed class BotFrameworkTokenValidator
{
    /// <summary>The claim, set by the channel service, naming the service URL the bot must reply to.</summary>
    public const string ServiceUrlClaim = "serviceurl";

    private const long SecondsPerDay = 86_400;

    private readonly HttpClient _http;
    private readonly BotAuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<BotFrameworkTokenValidator> _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly HashSet<string> _allowedTenants;

    private readonly Lock _refreshGate = new();
    private Task<BotFrameworkSigningKeys?>? _refresh; // guarded by _refreshGate
    private DateTimeOffset? _lastFetchStarted;        // guarded by _refreshGate
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
        }
    }

    /// <summary>True when an App ID is configured, so every request must carry a valid token.</summary>
    public bool AuthenticationRequired => !string.IsNullOrWhiteSpace(_options.AppId);

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
            // Local, unauthenticated use: the header, if any, is not looked at.
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
        if (keys is null || IsStale(keys))
        {
            keys = await RefreshKeysAsync("no current keys").WaitAsync(cancellationToken) ?? keys;
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
            // Keys rotate: look again, but no more often than MinimumKeyRefreshInterval allows.
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

    private bool IsStale(BotFrameworkSigningKeys keys) => _clock.GetUtcNow() - keys.FetchedAt >= _options.KeyCacheDuration;

    /// <summary>
    /// Fetches metadata and keys, sharing one fetch among concurrent callers and starting none if the last
    /// one started less than <see cref="BotAuthOptions.MinimumKeyRefreshInterval"/> ago. Never throws:
    /// on failure the keys held so far (possibly none) are returned.
    /// </summary>
    private Task<BotFrameworkSigningKeys?> RefreshKeysAsync(string reason)
    {
        lock (_refreshGate)
        {
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
            var metadataJson = await GetStringAsync(_options.OpenIdMetadataUrl);
            var metadata = OpenIdConnectConfiguration.Create(metadataJson);
            if (string.IsNullOrWhiteSpace(metadata.JwksUri)
                || !Uri.TryCreate(new Uri(_options.OpenIdMetadataUrl), metadata.JwksUri, out var jwksUri))
            {
                throw new FormatException("The OpenID metadata document has no usable jwks_uri.");
            }

            var jwksJson = await GetStringAsync(jwksUri.AbsoluteUri);
            var keys = BotFrameworkSigningKeys.Parse(jwksJson, _clock.GetUtcNow());
            if (keys.Count == 0)
            {
                throw new FormatException("The JWKS document holds no usable RSA signing keys.");
            }

            _keys = keys;
            _logger.LogInformation(
                "Fetched {KeyCount} Bot Framework signing keys from {JwksUri} ({Reason})", keys.Count, jwksUri, reason);
            return keys;
        }
        catch (Exception ex)
        {
            var held = _keys;
            _logger.LogWarning(
                ex,
                "Fetching Bot Framework OpenID metadata or signing keys from {MetadataUrl} failed ({Reason}); {Fallback}",
                _options.OpenIdMetadataUrl,
                reason,
                held is null ? "no keys are held, tokens are rejected" : "keeping the keys fetched before");
            return held;
        }
    }

    private async Task<string> GetStringAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url), HttpCompletionOption.ResponseContentRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        return await response.Content.ReadAsStringAsync();
    }
}
