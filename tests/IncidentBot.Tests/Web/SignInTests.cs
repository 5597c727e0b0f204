using System.Net;
using System.Text;
using System.Text.Json;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Web;

/// <summary>People sign in with Slack or Microsoft (against a fake provider on loopback) and see what their chat identity may see.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string Tenant = "7e2c1d94-3b5a-4f86-9c0d-1a2b3c4d5e6f";
    private WebApplication _provider = null!;
    private KestrelBot _bot = null!;

    private string ProviderUrl => _provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>Which Microsoft tenant the fake says the account is from.</summary>
    private string _accountTenant = Tenant;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _provider = builder.Build();
        IResult Authorize(HttpContext http, string code) =>
            Results.Redirect($"{http.Request.Query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(http.Request.Query["state"].ToString())}");
        _provider.MapGet("/slack/openid/connect/authorize", (HttpContext http) => Authorize(http, "slack-code"));
        _provider.MapPost("/slack/api/openid.connect.token", () => Results.Json(new { ok = true, access_token = "xoxp-fake", token_type = "Bearer" }));
        _provider.MapGet("/slack/api/openid.connect.userInfo", (HttpContext http) =>
            http.Request.Headers.Authorization.ToString() == "Bearer xoxp-fake"
                ? Results.Text("""{"ok":true,"sub":"U0DANA","https://slack.com/user_id":"U0DANA","https://slack.com/team_id":"T1","name":"Dana"}""", "application/json")
                : Results.Unauthorized());
        _provider.MapGet($"/ms/{Tenant}/oauth2/v2.0/authorize", (HttpContext http) => Authorize(http, "ms-code"));
        _provider.MapPost($"/ms/{Tenant}/oauth2/v2.0/token", () =>
        {
            static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var idToken = $"{B64("""{"alg":"RS256","typ":"JWT"}""")}.{B64(JsonSerializer.Serialize(new { oid = "2f6c9e1a-7b3d-4c58-a0e4-9d1b6f3a8c27", tid = _accountTenant, name = "Erin Ito" }))}.c2lnbmF0dXJl";
            return Results.Json(new { access_token = "ms-access", token_type = "Bearer", expires_in = 3600, id_token = idToken });
        });
        await _provider.StartAsync();

        _bot = await KestrelBot.StartAsync(new Dictionary<string, string?>
        {
            ["Web:Console:Open"] = "false",
            ["Web:SignIn:Slack:ClientId"] = "slack-client",
            ["Web:SignIn:Slack:ClientSecret"] = "slack-secret",
            ["Web:SignIn:Slack:BaseUrl"] = ProviderUrl + "/slack/",
            ["Web:SignIn:Microsoft:TenantId"] = Tenant,
            ["Web:SignIn:Microsoft:ClientId"] = "ms-client",
            ["Web:SignIn:Microsoft:ClientSecret"] = "ms-secret",
            ["Web:SignIn:Microsoft:LoginBaseUrl"] = ProviderUrl + "/ms/",
        });
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _provider.StopAsync();
        await _provider.DisposeAsync();
    }

    private static HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });

    [Fact]
    public async Task WithoutSigningIn_PagesSendYouToSignIn_AndExportsRefuse()
    {
        using var browser = Browser();

        var page = await browser.GetAsync(new Uri(_bot.BaseUrl + "/reviews"));
        var api = await browser.GetAsync(new Uri(_bot.BaseUrl + "/api/incidents/1/timeline"));

        Assert.EndsWith("/signin?returnUrl=%2Freviews", page.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Contains("Sign in with Slack", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task SignInWithSlack_MakesYouTheSlackPerson_WhoSeesTheirPrivateIncident()
    {
        await using (var scope = _bot.Services.CreateAsyncScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            await mediator.Send(new DeclareIncident(new Actor("slack:U0DANA", "Dana", "T1"), "Dana's secret", IsPrivate: true));
            await mediator.Send(new DeclareIncident(new Actor("slack:U0OTHER", "Other", "T1"), "Someone else's secret", IsPrivate: true));
        }

        using var browser = Browser();
        var signedIn = await browser.GetAsync(new Uri(_bot.BaseUrl + "/signin/slack?returnUrl=%2F"));
        var home = await signedIn.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("Dana", home);
        Assert.Contains("Dana&#x27;s secret", home);
        Assert.DoesNotContain("Someone else", home);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(new Uri(_bot.BaseUrl + "/incidents/2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(_bot.BaseUrl + "/api/incidents/1/timeline?format=json"))).StatusCode);
    }

    [Fact]
    public async Task SignInWithMicrosoft_UsesTheAadObjectId_AndAnotherTenantIsRefused()
    {
        using (var browser = Browser())
        {
            var home = await (await browser.GetAsync(new Uri(_bot.BaseUrl + "/signin/microsoft?returnUrl=%2F"))).Content.ReadAsStringAsync();
            Assert.Contains("Erin Ito", home);
        }

        _accountTenant = "00000000-1111-2222-3333-444444444444";
        using (var browser = Browser())
        {
            var refused = await browser.GetAsync(new Uri(_bot.BaseUrl + "/signin/microsoft?returnUrl=%2F"));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(body.Contains("signin-failed", StringComparison.Ordinal), $"ended at {refused.RequestMessage!.RequestUri}: {body[Math.Max(0, body.IndexOf("<main>", StringComparison.Ordinal))..][..Math.Min(400, body.Length - Math.Max(0, body.IndexOf("<main>", StringComparison.Ordinal)))]}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri(_bot.BaseUrl + "/api/incidents/1/timeline"))).StatusCode);
        }
    }
}
