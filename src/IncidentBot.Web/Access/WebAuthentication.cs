using System.Security.Claims;
using IncidentBot.Core.Domain;
using IncidentBot.Web.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBot.Web.Access;

/// <summary>
/// Who is asking on the web, decided once by the framework's authentication: a person signed in (Slack, Microsoft or
/// an API token through the sign-in form, all one cookie), a script with a <c>Web:ApiTokens</c> bearer token, the
/// console's typed name while <c>Web:Console:Open</c>, or a calendar app with a secret feed link. Every scheme gives
/// the same claims (<see cref="ClaimTypes.NameIdentifier"/> is the person key, <see cref="ClaimTypes.Name"/> the name),
/// which <see cref="WebActor.Of"/> turns into the actor the features take.
/// </summary>
public static class WebAuthentication
{
    /// <summary>The default scheme: picks one of the others by what the request carries.</summary>
    public const string Scheme = "incidentbot";

    /// <summary>The sign-in cookie (Slack, Microsoft, API-token form).</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary><c>Authorization: Bearer</c> with a token from <c>Web:ApiTokens</c>.</summary>
    public const string ApiTokenScheme = "api-token";

    /// <summary>The console's typed name, believed only while <c>Web:Console:Open</c>.</summary>
    public const string ConsoleNameScheme = "console-name";

    /// <summary>The token in <c>/reviews/feed/{token}.ics</c>.</summary>
    public const string CalendarFeedScheme = "calendar-feed";

    /// <summary>A person or a script, by any scheme but the feed link: exports and every console page.</summary>
    public const string PersonPolicy = "person";

    /// <summary>The console's pages: <see cref="PersonPolicy"/>, and the console is on (<c>Web:Console:Enabled</c>).</summary>
    public const string ConsolePolicy = "console";

    /// <summary>The console's home, which also greets the visitor of an open console who has not typed a name yet.</summary>
    public const string ConsoleHomePolicy = "console-home";

    /// <summary>A script's bearer token from <c>Web:ApiTokens</c> and nothing else (no cookie): for machine endpoints.</summary>
    public const string ApiTokenPolicy = "api-token";

    /// <summary>A calendar feed's secret link.</summary>
    public const string CalendarFeedPolicy = "calendar-feed";

    /// <summary>Which claims say the person is signed in from a tenant (Microsoft, Slack team).</summary>
    public const string TenantClaim = "incidentbot:tenant";

    public static IServiceCollection AddIncidentAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "IncidentBot", o => o.ForwardDefaultSelector = Select)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "incidentbot-auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.LoginPath = "/signin";
                o.Events.OnRedirectToLogin = ChallengeAsync;
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenScheme, null)
            .AddScheme<AuthenticationSchemeOptions, ConsoleNameHandler>(ConsoleNameScheme, null)
            .AddScheme<AuthenticationSchemeOptions, CalendarFeedHandler>(CalendarFeedScheme, null)
            .AddIncidentSignIn();

        services.AddAuthorizationBuilder()
            .AddPolicy(PersonPolicy, p => p.RequireClaim(ClaimTypes.NameIdentifier))
            .AddPolicy(ConsolePolicy, p => p.AddRequirements(new ConsoleRequirement(NameFormAllowed: false)))
            .AddPolicy(ConsoleHomePolicy, p => p.AddRequirements(new ConsoleRequirement(NameFormAllowed: true)))
            .AddPolicy(ApiTokenPolicy, p => p.AddAuthenticationSchemes(ApiTokenScheme).RequireClaim(ClaimTypes.NameIdentifier, Actor.Api.PersonKey))
            .AddPolicy(CalendarFeedPolicy, p => p.AddAuthenticationSchemes(CalendarFeedScheme).RequireClaim(ClaimTypes.NameIdentifier));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ConsoleRequirementHandler>());
        // Replaces the framework's own (registered with the pages), which it wraps.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ConsoleAuthorizationResultHandler>());
        return services;
    }

    /// <summary>The claims every scheme gives for a person.</summary>
    public static ClaimsPrincipal Principal(Actor actor, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, actor.PersonKey));
        identity.AddClaim(new Claim(ClaimTypes.Name, actor.DisplayName));
        if (actor.TenantId is { } tenant)
        {
            identity.AddClaim(new Claim(TenantClaim, tenant));
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// A bearer header means a script; the sign-in cookie means a person who signed in; the typed name counts only
    /// while the console is open. Whichever is picked also answers the challenge, so a wrong token is a 401.
    /// </summary>
    private static string Select(HttpContext http)
    {
        if (http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiTokenScheme;
        }

        if (!http.Request.Cookies.ContainsKey("incidentbot-auth") && http.Request.Cookies.ContainsKey(ConsoleNameHandler.CookieName) &&
            http.RequestServices.GetRequiredService<ConsoleAccess>().Open)
        {
            return ConsoleNameScheme;
        }

        return CookieScheme;
    }

    /// <summary>
    /// Pages send the visitor to sign in (or, on an open console, to the name form), coming back afterwards; anything
    /// else (exports, feeds, scripts) answers 401.
    /// </summary>
    private static Task ChallengeAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        var back = Uri.EscapeDataString(http.Request.PathBase + http.Request.Path + http.Request.QueryString);
        var form = http.RequestServices.GetRequiredService<ConsoleAccess>().Open ? "/" : "/signin";
        http.Response.Redirect($"{form}?returnUrl={back}");
        return Task.CompletedTask;
    }
}

/// <summary>The actor the features take, from the claims every scheme gives.</summary>
public static class WebActor
{
    /// <summary>Who is asking, or null when nobody is known.</summary>
    public static Actor? Of(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } key &&
        (key == Actor.Api.PersonKey || PersonKey.IsValid(key))
            ? new Actor(key, user.FindFirstValue(ClaimTypes.Name) ?? key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..], user.FindFirstValue(WebAuthentication.TenantClaim))
            : null;

    /// <summary>Who is asking, on an endpoint whose policy already required someone.</summary>
    public static Actor Required(ClaimsPrincipal user) =>
        Of(user) ?? throw new InvalidOperationException("An endpoint that needs a person is missing its authorization policy.");

    /// <summary>The person typed their name into the open console (rather than signing in), so they may switch it.</summary>
    public static bool TypedName(ClaimsPrincipal user) => user.Identity?.AuthenticationType == WebAuthentication.ConsoleNameScheme;
}
