using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using IncidentBot.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Access;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> with a token from <c>Web:ApiTokens</c>: a script, which reads everything
/// like a facilitator (<see cref="Actor.Api"/>). A wrong token is a failure (401), never a fall-back to a cookie.
/// </summary>
public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<WebOptions> web)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(IsToken(web.Value, header["Bearer ".Length..].Trim())
            ? AuthenticateResult.Success(new AuthenticationTicket(WebAuthentication.Principal(Actor.Api, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("The bearer token is not one of Web:ApiTokens."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>Whether <paramref name="given"/> is one of the configured tokens, compared in constant time.</summary>
    public static bool IsToken(WebOptions web, string? given)
    {
        if (string.IsNullOrEmpty(given))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(given);
        var found = false;
        foreach (var token in web.ApiTokens)
        {
            // Every token is compared, so the time taken does not say which one nearly matched.
            found |= CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), bytes);
        }

        return found;
    }
}
