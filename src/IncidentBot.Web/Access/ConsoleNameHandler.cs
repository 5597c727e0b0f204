using System.Text.Encodings.Web;
using IncidentBot.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Access;

/// <summary>
/// The open console's person: a name the visitor chooses, kept in a cookie, acting as <c>console:&lt;name&gt;</c>.
/// Believed only while <c>Web:Console:Open</c>; otherwise the cookie is ignored.
/// </summary>
public sealed class ConsoleNameHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleAccess access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string CookieName = "incidentbot-console-user";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(access.Open && Request.Cookies.TryGetValue(CookieName, out var name) && IsValid(name)
            ? AuthenticateResult.Success(new AuthenticationTicket(WebAuthentication.Principal(Actor.Console(name), Scheme.Name), Scheme.Name))
            : AuthenticateResult.NoResult());

    /// <summary>Sends the visitor to the name form, as the sign-in cookie's challenge does on an open console.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.ChallengeAsync(WebAuthentication.CookieScheme, properties);

    public static bool IsValid(string? name) => name is not null && PersonKey.IsPlatformId("console", name);

    /// <summary>Remembers the typed name for thirty days.</summary>
    public static void Remember(HttpContext context, string name) =>
        context.Response.Cookies.Append(CookieName, name, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(30),
        });
}
