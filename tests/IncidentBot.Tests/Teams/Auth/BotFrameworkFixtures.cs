using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams.Auth;

/// <summary>
/// Documents shaped like the ones the Bot Framework publishes, carrying this test's keys.
/// </summary>
internal static class BotFrameworkFixtures
{
    public const string MetadataUrl = "https://login.botframework.test/v1/.well-known/openidconfiguration";
    public const string JwksUrl = "https://login.botframework.test/v1/.well-known/keys";
    public const string Issuer = "https://api.botframework.com";
    public const string AppId = "3f2c5a8e-7d41-4b9a-9e36-0c1d2b4f6a85";
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";

    /// <summary>
    /// The OpenID metadata document as shown in "Authentication with the Bot Connector API", step 2
    /// (MicrosoftDocs/bot-docs, articles/rest-api/bot-framework-rest-connector-authentication.md),
    /// with jwks_uri pointed at the stub.
    /// </summary>
    public static string MetadataDocument(string jwksUri = JwksUrl) => $$"""
        {
            "issuer": "https://api.botframework.com",
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": "{{jwksUri}}",
            "id_token_signing_alg_values_supported": [
              "RS256"
            ],
            "token_endpoint_auth_methods_supported": [
              "private_key_jwt"
            ]
        }
        """;

    /// <summary>
    /// A JWKS document whose keys have the members of a key published at
    /// https://login.botframework.com/v1/.well-known/keys, as quoted in MicrosoftDocs/bot-docs issue #2300
    /// ("Bot Framework Signing Keys removed endorsements…"): kty, use, kid, x5t, n, e, x5c, endorsements —
    /// the values here are this test's keys.
    /// </summary>
    public static string KeysDocument(params TestSigningKey[] keys)
    {
        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add(key.ToJwk());
        }

        return new JsonObject { ["keys"] = array }.ToJsonString();
    }

    /// <summary>
    /// Signs a token like the one the channel service sends (header alg/kid/typ; payload serviceurl, nbf,
    /// exp, iss, aud, as in the token quoted in MicrosoftDocs/azure-docs issue #89481). The real header also
    /// repeats the kid as x5t, which JsonWebTokenHandler will not write for an RSA key; the validator reads kid.
    /// </summary>
    public static string CreateToken(
        RSA signer,
        string keyId,
        DateTimeOffset now,
        string issuer = Issuer,
        string audience = AppId,
        string? serviceUrl = ServiceUrl,
        TimeSpan? notBeforeOffset = null,
        TimeSpan? expiresOffset = null,
        string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var claims = new Dictionary<string, object>();
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = (now + (notBeforeOffset ?? TimeSpan.FromMinutes(-5))).UtcDateTime,
            Expires = (now + (expiresOffset ?? TimeSpan.FromMinutes(55))).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer) { KeyId = keyId }, algorithm),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }
}

/// <summary>An RSA key pair with a self-signed certificate, published as a JWK with endorsements.</summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly X509Certificate2 _certificate;

    public TestSigningKey(params string[] endorsements)
        : this(endorsements, includeEndorsements: true)
    {
    }

    private TestSigningKey(string[] endorsements, bool includeEndorsements)
    {
        Rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=test.botframework.test", Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // As in the published set, kid and x5t are both the certificate's SHA-1 thumbprint, base64url.
        KeyId = Base64UrlEncoder.Encode(_certificate.GetCertHash());
        Endorsements = includeEndorsements ? endorsements : null;
    }

    public RSA Rsa { get; }

    public string KeyId { get; }

    public IReadOnlyList<string>? Endorsements { get; }

    /// <summary>A key published without any "endorsements" member.</summary>
    public static TestSigningKey WithoutEndorsements() => new([], includeEndorsements: false);

    public string Sign(DateTimeOffset now, string? serviceUrl = BotFrameworkFixtures.ServiceUrl) =>
        BotFrameworkFixtures.CreateToken(Rsa, KeyId, now, serviceUrl: serviceUrl);

    public JsonObject ToJwk()
    {
        var parameters = Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["x5t"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
        };
        if (Endorsements is not null)
        {
            jwk["endorsements"] = new JsonArray([.. Endorsements.Select(e => (JsonNode)e)]);
        }

        return jwk;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Rsa.Dispose();
    }
}

/// <summary>Serves the metadata and the current key set from a stub; the test can rotate keys or break the service.</summary>
internal sealed class BotFrameworkKeyService
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _answeredKeyFetches = new();
    private TestSigningKey[] _published;
    private int _keyFetchesAnswered;

    public BotFrameworkKeyService(params TestSigningKey[] published)
    {
        _published = published;
        Handler.Respond = (request, _) =>
        {
            var url = request.RequestUri!.AbsoluteUri;
            if (Failure is { } failure)
            {
                return failure();
            }

            if (url == BotFrameworkFixtures.MetadataUrl)
            {
                return Task.FromResult(StubHttpHandler.Json(BotFrameworkFixtures.MetadataDocument()));
            }

            if (url == BotFrameworkFixtures.JwksUrl)
            {
                HttpResponseMessage keys;
                lock (_gate)
                {
                    keys = StubHttpHandler.Json(BotFrameworkFixtures.KeysDocument(_published));
                }

                if (KeysMaxAge is { } maxAge)
                {
                    keys.Headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = maxAge };
                }

                _answeredKeyFetches.GetOrAdd(Interlocked.Increment(ref _keyFetchesAnswered), _ => NewSignal()).TrySetResult();
                return Task.FromResult(keys);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        };
    }

    public StubHttpHandler Handler { get; } = new();

    /// <summary>When set, the key document says it may be cached this long (<c>Cache-Control: max-age</c>).</summary>
    public TimeSpan? KeysMaxAge { get; set; }

    /// <summary>Completes once the <paramref name="number"/>th key document has been served, whoever asked for it.</summary>
    public Task KeyFetchAnswered(int number) => _answeredKeyFetches.GetOrAdd(number, _ => NewSignal()).Task;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every request is answered by this instead.</summary>
    public Func<Task<HttpResponseMessage>>? Failure { get; set; }

    public int MetadataFetches => Handler.CountTo(BotFrameworkFixtures.MetadataUrl);

    public int KeyFetches => Handler.CountTo(BotFrameworkFixtures.JwksUrl);

    public void Publish(params TestSigningKey[] keys)
    {
        lock (_gate)
        {
            _published = keys;
        }
    }
}
