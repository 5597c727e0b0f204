using IncidentBot.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Web.Console;

/// <summary>The console's person: a name the visitor chooses, kept in a cookie, acting as <c>console:&lt;name&gt;</c>.</summary>
public static class ConsoleUser
{
    public const string CookieName = "incidentbot-console-user";

    public static string? Current(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var name) && IsValid(name) ? name : null;

    /// <summary>
    /// The person on the web: signed in with Slack or Microsoft, else (only while the console is open) the name chosen
    /// in the console.
    /// </summary>
    public static Actor? CurrentActor(HttpContext context) =>
        SignIn.SignInSetup.SignedIn(context)
        ?? (context.RequestServices.GetRequiredService<ConsoleAccess>().Open && Current(context) is { } name ? Actor.Console(name) : null);

    public static void Set(HttpContext context, string name) =>
        context.Response.Cookies.Append(CookieName, name, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(30),
        });

    public static bool IsValid(string? name) => name is not null && PersonKey.IsPlatformId("console", name);
}
