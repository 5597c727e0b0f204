using System.Security.Claims;

namespace IncidentBot.Teams.Auth;

/// <summary>
/// The outcome of checking one inbound request. <paramref name="Failure"/> is a short reason meant for the
/// log (one of <see cref="InboundAuthFailures"/>), never for the caller. On success without authentication
/// (no App ID configured, unauthenticated activities allowed) <paramref name="Identity"/> is null.
/// </summary>
public sealed record InboundAuthResult(bool Succeeded, string? Failure, ClaimsIdentity? Identity)
{
    public static InboundAuthResult Success(ClaimsIdentity? identity) => new(true, null, identity);

    public static InboundAuthResult Fail(string failure) => new(false, failure, null);
}

/// <summary>The reasons <see cref="BotFrameworkTokenValidator"/> gives for rejecting a request.</summary>
public static class InboundAuthFailures
{
    public const string UnauthenticatedNotAllowed = "no App ID configured and unauthenticated activities are not allowed";
    public const string MissingToken = "missing token";
    public const string NotBearer = "not a bearer token";
    public const string MalformedToken = "malformed token";
    public const string KeysUnavailable = "keys unavailable";
    public const string UnknownSigningKey = "unknown signing key";
    public const string BadSignature = "bad signature";
    public const string WrongAlgorithm = "wrong algorithm";
    public const string WrongIssuer = "wrong issuer";
    public const string WrongAudience = "wrong audience";
    public const string Expired = "expired";
    public const string NotYetValid = "not yet valid";
    public const string NoExpiry = "no expiry";
    public const string InvalidToken = "invalid token";
    public const string MissingEndorsement = "missing endorsement";
    public const string MissingServiceUrl = "missing serviceurl claim";
    public const string ServiceUrlMismatch = "serviceurl mismatch";
    public const string TenantNotAllowed = "tenant not allowed";
}
