using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Slack's request signing: <c>v0=</c> + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")), checked on the raw
/// bytes before anything is parsed, within 300 s of now, compared in constant time.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    public static SignatureCheck Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Malformed;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (age.Duration() > Window)
        {
            return SignatureCheck.Stale;
        }

        var expected = Compute(secret, timestampHeader, body);
        var given = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The signature bytes (ASCII of <c>v0=…</c>) for a body; also what tests sign with.</summary>
    public static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var baseString = new byte[prefix.Length + body.Length];
        prefix.CopyTo(baseString, 0);
        body.CopyTo(baseString.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), baseString);
        return Encoding.ASCII.GetBytes("v0=" + Convert.ToHexStringLower(mac));
    }
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Stale,
    Mismatch,
}
