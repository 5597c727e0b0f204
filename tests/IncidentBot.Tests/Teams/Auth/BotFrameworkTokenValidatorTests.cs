using System.Net;
using System.Security.Cryptography;
using IncidentBot.Teams.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Teams.Auth;

public sealed class BotFrameworkTokenValidatorTests : IDisposable
{
    private const string Teams = "msteams";
    private const string TenantA = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string TenantB = "0d9a6c1e-3b57-4f82-a4c6-5e81b7d2f390";

    private static readonly DateTimeOffset Start = new(2031, 3, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly TestSigningKey _teamsKey = new(Teams, "webchat");
    private readonly BotFrameworkKeyService _service;
    private readonly CapturingLogger<BotFrameworkTokenValidator> _logger = new();

    public BotFrameworkTokenValidatorTests()
    {
        _service = new BotFrameworkKeyService(_teamsKey);
    }

    public void Dispose() => _teamsKey.Dispose();

    private BotFrameworkTokenValidator CreateValidator(Action<BotAuthOptions>? configure = null)
    {
        var options = new BotAuthOptions
        {
            AppId = BotFrameworkFixtures.AppId,
            OpenIdMetadataUrl = BotFrameworkFixtures.MetadataUrl,
        };
        configure?.Invoke(options);
        return new BotFrameworkTokenValidator(new HttpClient(_service.Handler), Options.Create(options), _clock, _logger);
    }

    private static Task<InboundAuthResult> Validate(
        BotFrameworkTokenValidator validator,
        string? token,
        string serviceUrl = BotFrameworkFixtures.ServiceUrl,
        string channelId = Teams,
        string? tenantId = TenantA) =>
        validator.ValidateAsync(token is null ? null : "Bearer " + token, serviceUrl, channelId, tenantId, CancellationToken.None);

    private static void AssertRejected(InboundAuthResult result, string failure)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(failure, result.Failure);
        Assert.Null(result.Identity);
    }

    [Fact]
    public async Task A_valid_token_is_accepted_and_its_claims_are_exposed()
    {
        var validator = CreateValidator();

        var result = await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()));

        Assert.True(result.Succeeded, result.Failure);
        Assert.Null(result.Failure);
        Assert.NotNull(result.Identity);
        Assert.True(result.Identity.IsAuthenticated);
        Assert.Equal(BotFrameworkFixtures.AppId, result.Identity.FindFirst("aud")?.Value);
        Assert.Equal(BotFrameworkFixtures.Issuer, result.Identity.FindFirst("iss")?.Value);
        Assert.Equal(BotFrameworkFixtures.ServiceUrl, result.Identity.FindFirst(BotFrameworkTokenValidator.ServiceUrlClaim)?.Value);
        Assert.True(validator.AuthenticationRequired);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_rejected()
    {
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), issuer: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/");

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.WrongIssuer);
    }

    [Fact]
    public async Task A_token_for_another_bot_is_rejected()
    {
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), audience: "9b1e0c77-0000-4000-8000-000000000001");

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.WrongAudience);
    }

    [Fact]
    public async Task A_token_expired_beyond_the_clock_skew_is_rejected()
    {
        var validator = CreateValidator();
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), notBeforeOffset: TimeSpan.FromHours(-1), expiresOffset: TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        AssertRejected(await Validate(validator, token), InboundAuthFailures.Expired);
    }

    [Fact]
    public async Task A_token_expired_within_the_clock_skew_is_accepted()
    {
        var validator = CreateValidator();
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), notBeforeOffset: TimeSpan.FromHours(-1), expiresOffset: TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));

        var result = await Validate(validator, token);
        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task The_configured_clock_skew_is_the_one_applied()
    {
        var validator = CreateValidator(o => o.ClockSkew = TimeSpan.FromMinutes(1));
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), notBeforeOffset: TimeSpan.FromHours(-1), expiresOffset: TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromMinutes(2));

        AssertRejected(await Validate(validator, token), InboundAuthFailures.Expired);
    }

    [Fact]
    public async Task A_token_not_yet_valid_beyond_the_clock_skew_is_rejected()
    {
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), notBeforeOffset: TimeSpan.FromMinutes(6), expiresOffset: TimeSpan.FromHours(1));

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.NotYetValid);
    }

    [Fact]
    public async Task A_token_not_yet_valid_within_the_clock_skew_is_accepted()
    {
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), notBeforeOffset: TimeSpan.FromMinutes(4), expiresOffset: TimeSpan.FromHours(1));

        var result = await Validate(CreateValidator(), token);
        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task A_token_signed_by_an_unpublished_key_under_a_published_kid_is_rejected()
    {
        using var forger = RSA.Create(2048);
        var token = BotFrameworkFixtures.CreateToken(forger, _teamsKey.KeyId, _clock.GetUtcNow());

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.BadSignature);
    }

    [Fact]
    public async Task A_token_whose_signature_was_tampered_with_is_rejected()
    {
        var token = _teamsKey.Sign(_clock.GetUtcNow());
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(BotFrameworkFixtures.AppId, "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal);
        var forgedAudienceToken = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        AssertRejected(await Validate(CreateValidator(), forgedAudienceToken), InboundAuthFailures.BadSignature);
    }

    [Fact]
    public async Task A_token_signed_with_another_algorithm_is_rejected()
    {
        var token = BotFrameworkFixtures.CreateToken(
            _teamsKey.Rsa, _teamsKey.KeyId, _clock.GetUtcNow(), algorithm: SecurityAlgorithms.RsaSha384);

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.WrongAlgorithm);
        Assert.Empty(_service.Handler.Requests);
    }

    [Fact]
    public async Task A_key_not_endorsed_for_the_activity_channel_is_rejected()
    {
        using var webChatKey = new TestSigningKey("webchat");
        _service.Publish(_teamsKey, webChatKey);
        var validator = CreateValidator();

        var result = await Validate(validator, webChatKey.Sign(_clock.GetUtcNow()), channelId: Teams);

        AssertRejected(result, InboundAuthFailures.MissingEndorsement);

        // The same token is fine for the channel its key does endorse.
        var asWebChat = await Validate(validator, webChatKey.Sign(_clock.GetUtcNow()), channelId: "webchat");
        Assert.True(asWebChat.Succeeded, asWebChat.Failure);
    }

    [Fact]
    public async Task A_key_published_without_endorsements_is_rejected()
    {
        using var bareKey = TestSigningKey.WithoutEndorsements();
        _service.Publish(_teamsKey, bareKey);

        AssertRejected(await Validate(CreateValidator(), bareKey.Sign(_clock.GetUtcNow())), InboundAuthFailures.MissingEndorsement);
    }

    [Fact]
    public async Task An_activity_without_a_channel_id_is_rejected()
    {
        AssertRejected(
            await Validate(CreateValidator(), _teamsKey.Sign(_clock.GetUtcNow()), channelId: ""),
            InboundAuthFailures.MissingEndorsement);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/emea/")]
    [InlineData("https://evil.example.com/amer/")]
    [InlineData("")]
    public async Task A_serviceurl_claim_that_does_not_match_the_activity_is_rejected(string activityServiceUrl)
    {
        var result = await Validate(CreateValidator(), _teamsKey.Sign(_clock.GetUtcNow()), serviceUrl: activityServiceUrl);

        AssertRejected(result, InboundAuthFailures.ServiceUrlMismatch);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer")]
    [InlineData("HTTPS://SMBA.TrafficManager.NET/AMER/")]
    [InlineData("https://Smba.trafficmanager.net/amer")]
    public async Task The_serviceurl_comparison_ignores_case_and_a_trailing_slash(string activityServiceUrl)
    {
        var result = await Validate(CreateValidator(), _teamsKey.Sign(_clock.GetUtcNow()), serviceUrl: activityServiceUrl);

        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task A_token_without_a_serviceurl_claim_is_rejected()
    {
        var token = _teamsKey.Sign(_clock.GetUtcNow(), serviceUrl: null);

        AssertRejected(await Validate(CreateValidator(), token), InboundAuthFailures.MissingServiceUrl);
    }

    [Fact]
    public async Task An_unknown_kid_triggers_one_key_refresh_and_a_rotated_in_key_is_then_accepted()
    {
        var validator = CreateValidator();
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        Assert.Equal(1, _service.KeyFetches);

        using var rotatedKey = new TestSigningKey(Teams);
        _service.Publish(rotatedKey);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var result = await Validate(validator, rotatedKey.Sign(_clock.GetUtcNow()));

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(2, _service.KeyFetches);
        Assert.Equal(2, _service.MetadataFetches);

        // The new key is cached now: using it again fetches nothing.
        Assert.True((await Validate(validator, rotatedKey.Sign(_clock.GetUtcNow()))).Succeeded);
        Assert.Equal(2, _service.KeyFetches);
    }

    [Fact]
    public async Task Unknown_kids_do_not_refetch_keys_more_often_than_the_minimum_interval()
    {
        var validator = CreateValidator(o => o.MinimumKeyRefreshInterval = TimeSpan.FromMinutes(1));
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        _clock.Advance(TimeSpan.FromMinutes(2));
        using var unpublished = new TestSigningKey(Teams);

        var first = await Validate(validator, unpublished.Sign(_clock.GetUtcNow()));
        var second = await Validate(validator, unpublished.Sign(_clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromSeconds(30));
        var third = await Validate(validator, unpublished.Sign(_clock.GetUtcNow()));

        AssertRejected(first, InboundAuthFailures.UnknownSigningKey);
        AssertRejected(second, InboundAuthFailures.UnknownSigningKey);
        AssertRejected(third, InboundAuthFailures.UnknownSigningKey);
        Assert.Equal(2, _service.KeyFetches); // the first fetch plus exactly one refresh

        _clock.Advance(TimeSpan.FromSeconds(31));
        AssertRejected(await Validate(validator, unpublished.Sign(_clock.GetUtcNow())), InboundAuthFailures.UnknownSigningKey);
        Assert.Equal(3, _service.KeyFetches);
    }

    [Fact]
    public async Task Concurrent_requests_with_an_unknown_kid_share_one_refresh()
    {
        var validator = CreateValidator();
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        using var rotatedKey = new TestSigningKey(Teams);
        _service.Publish(_teamsKey, rotatedKey);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serve = _service.Handler.Respond;
        _service.Handler.Respond = async (request, body) =>
        {
            await release.Task;
            return await serve(request, body);
        };

        var token = rotatedKey.Sign(_clock.GetUtcNow());
        var pending = Enumerable.Range(0, 8).Select(_ => Validate(validator, token)).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(pending);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure));
        Assert.Equal(2, _service.KeyFetches);
    }

    [Fact]
    public async Task Keys_are_cached_and_fetched_again_after_the_cache_duration()
    {
        var validator = CreateValidator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        }

        Assert.Equal(1, _service.MetadataFetches);
        Assert.Equal(1, _service.KeyFetches);

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        Assert.Equal(1, _service.KeyFetches);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);
        Assert.Equal(2, _service.MetadataFetches);
        Assert.Equal(2, _service.KeyFetches);
    }

    [Fact]
    public async Task When_the_key_service_is_unreachable_requests_fail_with_keys_unavailable_and_it_is_logged()
    {
        _service.Failure = () => throw new HttpRequestException("connection refused");
        var validator = CreateValidator();

        var result = await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()));

        AssertRejected(result, InboundAuthFailures.KeysUnavailable);
        var warning = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.IsType<HttpRequestException>(warning.Exception);
        Assert.Contains(BotFrameworkFixtures.MetadataUrl, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_from_the_key_service_means_keys_unavailable()
    {
        _service.Failure = () => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        AssertRejected(await Validate(CreateValidator(), _teamsKey.Sign(_clock.GetUtcNow())), InboundAuthFailures.KeysUnavailable);
    }

    [Fact]
    public async Task After_an_outage_the_keys_are_fetched_again_once_the_minimum_interval_has_passed()
    {
        _service.Failure = () => throw new HttpRequestException("connection refused");
        var validator = CreateValidator();
        AssertRejected(await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow())), InboundAuthFailures.KeysUnavailable);

        _service.Failure = null;
        AssertRejected(await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow())), InboundAuthFailures.KeysUnavailable);
        Assert.Equal(1, _service.MetadataFetches);

        _clock.Advance(TimeSpan.FromMinutes(1));
        var result = await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()));
        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task Keys_held_from_before_are_kept_when_a_later_refresh_fails()
    {
        var validator = CreateValidator();
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()))).Succeeded);

        _service.Failure = () => throw new HttpRequestException("connection refused");
        _clock.Advance(TimeSpan.FromHours(25));

        var result = await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()));

        Assert.True(result.Succeeded, result.Failure);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task An_activity_from_a_tenant_not_on_the_allow_list_is_rejected()
    {
        var validator = CreateValidator(o => o.AllowedTenants = [TenantA]);

        AssertRejected(
            await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()), tenantId: TenantB),
            InboundAuthFailures.TenantNotAllowed);
        AssertRejected(
            await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()), tenantId: null),
            InboundAuthFailures.TenantNotAllowed);
    }

    [Fact]
    public async Task An_activity_from_an_allowed_tenant_is_accepted_whatever_the_case()
    {
        var validator = CreateValidator(o => o.AllowedTenants = [TenantB, TenantA]);

        var result = await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()), tenantId: TenantA.ToUpperInvariant());

        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task An_empty_allow_list_accepts_any_tenant_and_none()
    {
        var validator = CreateValidator(o => o.AllowedTenants = []);

        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()), tenantId: TenantB)).Succeeded);
        Assert.True((await Validate(validator, _teamsKey.Sign(_clock.GetUtcNow()), tenantId: null)).Succeeded);
    }

    [Theory]
    [InlineData(null, InboundAuthFailures.MissingToken)]
    [InlineData("", InboundAuthFailures.MissingToken)]
    [InlineData("   ", InboundAuthFailures.MissingToken)]
    [InlineData("Bearer", InboundAuthFailures.MissingToken)]
    [InlineData("Bearer ", InboundAuthFailures.MissingToken)]
    [InlineData("Basic dXNlcjpwYXNz", InboundAuthFailures.NotBearer)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", InboundAuthFailures.NotBearer)]
    [InlineData("Bearer not-a-jwt", InboundAuthFailures.MalformedToken)]
    [InlineData("Bearer a.b.c", InboundAuthFailures.MalformedToken)]
    [InlineData("Bearer two tokens", InboundAuthFailures.MalformedToken)]
    public async Task A_missing_or_garbage_authorization_header_is_rejected(string? header, string failure)
    {
        var validator = CreateValidator();

        var result = await validator.ValidateAsync(header, BotFrameworkFixtures.ServiceUrl, Teams, TenantA, CancellationToken.None);

        AssertRejected(result, failure);
        Assert.Empty(_service.Handler.Requests);
    }

    [Fact]
    public async Task An_unsigned_token_is_rejected()
    {
        var unsigned = $"{Base64UrlEncoder.Encode($$"""{"alg":"none","kid":"{{_teamsKey.KeyId}}"}""")}." +
            $"{Base64UrlEncoder.Encode($$"""{"iss":"{{BotFrameworkFixtures.Issuer}}","aud":"{{BotFrameworkFixtures.AppId}}","serviceurl":"{{BotFrameworkFixtures.ServiceUrl}}","exp":{{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}}}""")}.";

        AssertRejected(await Validate(CreateValidator(), unsigned), InboundAuthFailures.WrongAlgorithm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Without_an_app_id_requests_are_allowed_without_a_header(string? appId)
    {
        var validator = CreateValidator(o => o.AppId = appId);

        var withoutHeader = await validator.ValidateAsync(null, "http://localhost:3978/", "emulator", null, CancellationToken.None);
        var withGarbage = await validator.ValidateAsync("Bearer garbage", "http://localhost:3978/", "emulator", null, CancellationToken.None);

        Assert.False(validator.AuthenticationRequired);
        Assert.True(withoutHeader.Succeeded, withoutHeader.Failure);
        Assert.True(withGarbage.Succeeded, withGarbage.Failure);
        Assert.Null(withoutHeader.Identity);
        Assert.Empty(_service.Handler.Requests);
    }

    [Fact]
    public async Task Without_an_app_id_the_tenant_allow_list_still_applies()
    {
        var validator = CreateValidator(o =>
        {
            o.AppId = null;
            o.AllowedTenants = [TenantA];
        });

        Assert.True((await validator.ValidateAsync(null, "http://localhost:3978/", Teams, TenantA, CancellationToken.None)).Succeeded);
        AssertRejected(
            await validator.ValidateAsync(null, "http://localhost:3978/", Teams, TenantB, CancellationToken.None),
            InboundAuthFailures.TenantNotAllowed);
    }

    [Fact]
    public void A_relative_metadata_url_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => CreateValidator(o => o.OpenIdMetadataUrl = "/v1/.well-known/openidconfiguration"));
    }

    [Fact]
    public void The_defaults_are_the_public_bot_framework_endpoints()
    {
        var options = new BotAuthOptions();

        Assert.Equal("https://login.botframework.com/v1/.well-known/openidconfiguration", options.OpenIdMetadataUrl);
        Assert.Equal("https://api.botframework.com", options.Issuer);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ClockSkew);
        Assert.Empty(options.AllowedTenants);
        Assert.Null(options.AppId);
    }
}
