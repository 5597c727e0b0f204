using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using IncidentBot.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.SignIn;

/// <summary>
/// Sign-in for the web pages with the framework's own cookie and OAuth handlers: Slack's OpenID endpoints and the
/// Microsoft identity platform. The person becomes <c>slack:U…</c> or <c>teams:&lt;oid&gt;</c>: the same ids the chat
/// adapters use, so membership and facilitator rights carry over.
/// </summary>
public static class SignInSetup
{
    public const string Slack = "slack";
    public const string Microsoft = "microsoft";

    /// <summary>The two OAuth handlers; they sign in with the cookie of <see cref="Access.WebAuthentication"/>.</summary>
    public static AuthenticationBuilder AddIncidentSignIn(this AuthenticationBuilder authentication)
    {
        authentication.AddOAuth(Slack, _ => { }).AddOAuth(Microsoft, _ => { });
        var services = authentication.Services;

        // Configured from WebOptions when first used, so settings from any source (environment, tests) apply.
        services.AddOptions<OAuthOptions>(Slack).Configure<IOptions<WebOptions>>((o, web) =>
        {
            var s = web.Value.SignIn.Slack;
            var b = s.BaseUrl.EndsWith('/') ? s.BaseUrl : s.BaseUrl + "/";
            Common(o, s.ClientId, s.ClientSecret, "/signin-slack");
            o.AuthorizationEndpoint = b + "openid/connect/authorize";
            o.TokenEndpoint = b + "api/openid.connect.token";
            o.UserInformationEndpoint = b + "api/openid.connect.userInfo";
            o.Events.OnCreatingTicket = SlackTicketAsync;
        });
        services.AddOptions<OAuthOptions>(Microsoft).Configure<IOptions<WebOptions>>((o, web) =>
        {
            var m = web.Value.SignIn.Microsoft;
            var b = (m.LoginBaseUrl.EndsWith('/') ? m.LoginBaseUrl : m.LoginBaseUrl + "/") + $"{m.TenantId}/oauth2/v2.0/";
            Common(o, m.ClientId, m.ClientSecret, "/signin-microsoft");
            o.AuthorizationEndpoint = b + "authorize";
            o.TokenEndpoint = b + "token";
            o.Events.OnCreatingTicket = context => MicrosoftTicketAsync(context, m.TenantId);
        });
        return authentication;
    }

    public static bool IsConfigured(this SignInOptions options, string provider) =>
        provider == Slack ? options.Slack.Configured : provider == Microsoft && options.Microsoft.Configured;

    private static void Common(OAuthOptions o, string? clientId, string? clientSecret, string callback)
    {
        // Placeholders keep the handler valid when this provider is off; /signin refuses unconfigured providers.
        o.ClientId = string.IsNullOrWhiteSpace(clientId) ? "not-configured" : clientId;
        o.ClientSecret = string.IsNullOrWhiteSpace(clientSecret) ? "not-configured" : clientSecret;
        o.CallbackPath = callback;
        o.SignInScheme = Access.WebAuthentication.CookieScheme;
        o.UsePkce = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Events.OnRemoteFailure = context =>
        {
            // A refused or failed sign-in is a page that says so, never an error page.
            var logger = context.HttpContext.RequestServices.GetRequiredService<global::Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("IncidentBot.SignIn");
            global::Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "Sign-in with {Provider} failed: {Reason}", context.Scheme.Name, context.Failure?.Message);
            context.Response.Redirect("/signin?failed=1");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static async Task SlackTicketAsync(OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        using var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        var root = user.RootElement;
        var id = root.TryGetProperty("https://slack.com/user_id", out var u) ? u.GetString() : null;
        if (string.IsNullOrEmpty(id))
        {
            // Throwing (not context.Fail, which the OAuth handler ignores here) makes it a remote failure with no ticket.
            throw new AuthenticationFailureException("Slack did not say who signed in.");
        }

        Add(context, PersonKey.Create("slack", id), Str(root, "name") ?? id, Str(root, "https://slack.com/team_id"));
    }

    private static Task MicrosoftTicketAsync(OAuthCreatingTicketContext context, string? tenant)
    {
        // The ID token came straight from the token endpoint over TLS (not through the browser), so its claims can be
        // read without checking its signature (OpenID Connect Core 3.1.3.7).
        var idToken = context.TokenResponse.Response?.RootElement.TryGetProperty("id_token", out var t) == true ? t.GetString() : null;
        var parts = idToken?.Split('.');
        if (parts is not { Length: >= 2 })
        {
            throw new AuthenticationFailureException("Microsoft did not return an ID token.");
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var claims = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        var root = claims.RootElement;
        var oid = Str(root, "oid");
        var tid = Str(root, "tid");
        if (oid is null || (tenant is not null && !string.Equals(tid, tenant, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AuthenticationFailureException("The Microsoft account is not from this organisation's tenant.");
        }

        Add(context, PersonKey.Create("teams", oid), Str(root, "name") ?? Str(root, "preferred_username") ?? oid, tid);
        return Task.CompletedTask;
    }

    private static void Add(OAuthCreatingTicketContext context, string personKey, string name, string? tenant)
    {
        context.Identity!.AddClaim(new Claim(ClaimTypes.NameIdentifier, personKey));
        context.Identity.AddClaim(new Claim(ClaimTypes.Name, name));
        if (tenant is not null)
        {
            context.Identity.AddClaim(new Claim(Access.WebAuthentication.TenantClaim, tenant));
        }
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Starts a sign-in with a provider, coming back to a local URL.</summary>
    public static IResult Challenge(string provider, string? returnUrl) =>
        Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/" }, [provider]);
}
