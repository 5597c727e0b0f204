using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Auth;

/// <summary>One published signing key and the channels it is endorsed for.</summary>
internal sealed record EndorsedSigningKey(string KeyId, SecurityKey Key, IReadOnlySet<string> Endorsements);

/// <summary>
/// The signing keys read from one fetch of the Bot Framework JWKS document. Each key may carry an
/// <c>endorsements</c> array (channel ids such as "msteams") that standard JWK parsers drop, so the
/// document is read here as plain JSON.
/// </summary>
internal sealed class BotFrameworkSigningKeys
{
    private readonly Dictionary<string, EndorsedSigningKey> _byKeyId;

    private BotFrameworkSigningKeys(Dictionary<string, EndorsedSigningKey> byKeyId, DateTimeOffset refreshAt)
    {
        _byKeyId = byKeyId;
        RefreshAt = refreshAt;
    }

    /// <summary>When this set has been used for as long as it may be cached, and is fetched again.</summary>
    public DateTimeOffset RefreshAt { get; }

    public int Count => _byKeyId.Count;

    public bool TryGet(string keyId, out EndorsedSigningKey key) => _byKeyId.TryGetValue(keyId, out key!);

    /// <summary>Reads a JWKS document. RSA keys without a usable <c>kid</c>, <c>n</c> or <c>e</c> are skipped.</summary>
    /// <exception cref="FormatException">The document is not a JSON object with a <c>keys</c> array.</exception>
    public static BotFrameworkSigningKeys Parse(string jwksJson, DateTimeOffset refreshAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(jwksJson);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The JWKS document is not valid JSON.", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The JWKS document has no \"keys\" array.");
            }

            var byKeyId = new Dictionary<string, EndorsedSigningKey>(StringComparer.Ordinal);
            foreach (var element in keys.EnumerateArray())
            {
                if (TryReadKey(element) is { } key && !byKeyId.ContainsKey(key.KeyId))
                {
                    byKeyId.Add(key.KeyId, key);
                }
            }

            return new BotFrameworkSigningKeys(byKeyId, refreshAt);
        }
    }

    private static EndorsedSigningKey? TryReadKey(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var kid = ReadString(element, "kid");
        var kty = ReadString(element, "kty");
        var use = ReadString(element, "use");
        var modulus = ReadString(element, "n");
        var exponent = ReadString(element, "e");
        if (string.IsNullOrEmpty(kid)
            || !string.Equals(kty, "RSA", StringComparison.Ordinal)
            || (use is not null && !string.Equals(use, "sig", StringComparison.Ordinal))
            || string.IsNullOrEmpty(modulus)
            || string.IsNullOrEmpty(exponent))
        {
            return null;
        }

        RsaSecurityKey key;
        try
        {
            // The key is the modulus and exponent; any x5c certificate chain is not needed to verify RS256.
            key = new RsaSecurityKey(new RSAParameters
            {
                Modulus = Base64UrlEncoder.DecodeBytes(modulus),
                Exponent = Base64UrlEncoder.DecodeBytes(exponent),
            })
            {
                KeyId = kid,
            };
        }
        catch (FormatException)
        {
            return null;
        }

        var endorsements = new HashSet<string>(StringComparer.Ordinal);
        if (element.TryGetProperty("endorsements", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } endorsement)
                {
                    endorsements.Add(endorsement);
                }
            }
        }

        return new EndorsedSigningKey(kid, key, endorsements);
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
