using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Web.Access;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Web;

/// <summary>
/// Each way of saying who is asking (API token, sign-in cookie, the open console's typed name, a calendar feed link),
/// valid, missing and wrong: pages send people to sign in, everything else answers 401 (a feed link 404).
/// </summary>
public sealed partial class WebAuthenticationTests : IDisposable
{
    private const string Token = "auth-test-token-0123456789abcdef";
    private readonly List<BotFactory> _bots = [];

    public void Dispose()
    {
        foreach (var bot in _bots)
        {
            bot.Dispose();
        }
    }

    private BotFactory Bot(bool open = false, bool tokens = true)
    {
        var settings = new Dictionary<string, string?> { ["Web:Console:Open"] = open ? "true" : "false" };
        if (tokens)
        {
            settings["Web:ApiTokens:0"] = Token;
        }

        var bot = new BotFactory(settings, environment: "Production");
        _bots.Add(bot);
        return bot;
    }

    private static HttpClient Client(BotFactory bot, CookieContainer? cookies = null) =>
        bot.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies ?? new CookieContainer()));

    private static async Task<T> SendAsync<T>(BotFactory bot, IRequest<T> request)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? bearer = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Fills in the API-token sign-in form as a browser would (antiforgery token from the page).</summary>
    private static async Task<HttpResponseMessage> SignInWithTokenAsync(HttpClient browser, string name, string token, string returnUrl = "/", bool antiforgery = true)
    {
        var page = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var form = new Dictionary<string, string> { ["name"] = name, ["token"] = token, ["returnUrl"] = returnUrl };
        if (antiforgery)
        {
            form["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
        }

        return await browser.PostAsync(new Uri("/signin?handler=Token", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task Api_token_valid_reads_exports_and_pages_missing_or_wrong_is_401()
    {
        var bot = Bot();
        await SendAsync(bot, new DeclareIncident(Actor.Console("alice"), "Checkout errors", "SEV2"));
        using var client = Client(bot);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/incidents/1/timeline", bearer: Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/reviews/calendar.ics", bearer: Token)).StatusCode);
        var page = await GetAsync(client, "/incidents/1", bearer: Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Checkout errors", await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, "/api/incidents/1/timeline")).StatusCode);
        var wrong = await GetAsync(client, "/api/incidents/1/timeline", bearer: Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Bearer", wrong.Headers.WwwAuthenticate.Single().Scheme);
        // A wrong token on a page is a wrong token, not a visitor to send to sign in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, "/incidents/1", bearer: "not-a-token")).StatusCode);
    }

    [Fact]
    public async Task Pages_without_anyone_send_to_sign_in_and_coming_back_where_they_were()
    {
        var bot = Bot();
        using var client = Client(bot);

        var page = await GetAsync(client, "/incidents/1?kind=note");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fincidents%2F1%3Fkind%3Dnote", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Token_sign_in_form_sets_the_cookie_and_the_person_acts_under_the_name_typed()
    {
        var bot = Bot();
        await SendAsync(bot, new DeclareIncident(Actor.Console("erin"), "Erin's private one", "SEV2", IsPrivate: true));
        await SendAsync(bot, new DeclareIncident(Actor.Console("frank"), "Frank's private one", "SEV2", IsPrivate: true));
        var cookies = new CookieContainer();
        using var browser = Client(bot, cookies);

        var signedIn = await SignInWithTokenAsync(browser, "erin", Token, returnUrl: "/reviews");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/reviews", signedIn.Headers.Location!.OriginalString);
        Assert.NotNull(cookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"]);
        var home = await (await GetAsync(browser, "/")).Content.ReadAsStringAsync();
        Assert.Contains("Erin&#x27;s private one", home);
        Assert.DoesNotContain("Frank", home);
        Assert.Contains("sign out", home);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(browser, "/api/incidents/1/timeline")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(browser, "/api/incidents/2/timeline")).StatusCode);
    }

    [Fact]
    public async Task Token_sign_in_form_with_a_wrong_token_is_401_and_sets_no_cookie()
    {
        var bot = Bot();
        var cookies = new CookieContainer();
        using var browser = Client(bot, cookies);

        var refused = await SignInWithTokenAsync(browser, "erin", "wrong-token-0123456789abcdef");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That token is not one of this bot", await refused.Content.ReadAsStringAsync());
        Assert.Null(cookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"]);
        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(browser, "/reviews")).StatusCode);
    }

    [Fact]
    public async Task Token_sign_in_form_without_antiforgery_token_is_400_and_sets_no_cookie()
    {
        var bot = Bot();
        var cookies = new CookieContainer();
        using var browser = Client(bot, cookies);

        var refused = await SignInWithTokenAsync(browser, "erin", Token, antiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(cookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"]);
    }

    [Fact]
    public async Task Token_sign_in_form_is_absent_without_api_tokens_and_the_console_is_404()
    {
        var bot = Bot(tokens: false);
        using var client = Client(bot);

        Assert.DoesNotContain("signin-token", await client.GetStringAsync(new Uri("/signin", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, "/reviews/calendar.ics")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_cookie_tampered_with_is_nobody()
    {
        var bot = Bot();
        var cookies = new CookieContainer();
        using (var browser = Client(bot, cookies))
        {
            await SignInWithTokenAsync(browser, "erin", Token);
        }

        var value = cookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"]!.Value;
        var tampered = $"incidentbot-auth={value[..^4]}AAAA";
        using var client = Client(bot);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/reviews", cookie: $"incidentbot-auth={value}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(client, "/reviews", cookie: tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, "/reviews/calendar.ics", cookie: tampered)).StatusCode);
    }

    [Fact]
    public async Task Typed_name_counts_only_on_an_open_console()
    {
        var open = Bot(open: true);
        using var openClient = Client(open);
        var asAlice = await GetAsync(openClient, "/reviews", cookie: "incidentbot-console-user=alice");
        Assert.Equal(HttpStatusCode.OK, asAlice.StatusCode);
        Assert.Contains("data-testid=\"current-user\">alice<", await asAlice.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(openClient, "/reviews/calendar.ics", cookie: "incidentbot-console-user=alice")).StatusCode);

        // Missing or not a name: the open console asks for one.
        var missing = await GetAsync(openClient, "/reviews");
        Assert.Equal("/?returnUrl=%2Freviews", missing.Headers.Location!.OriginalString);
        var wrong = await GetAsync(openClient, "/reviews", cookie: "incidentbot-console-user=%3Cb%3E");
        Assert.Equal("/?returnUrl=%2Freviews", wrong.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(openClient, "/reviews/calendar.ics", cookie: "incidentbot-console-user=%3Cb%3E")).StatusCode);

        var closed = Bot(open: false);
        using var closedClient = Client(closed);
        var ignored = await GetAsync(closedClient, "/reviews", cookie: "incidentbot-console-user=alice");
        Assert.Equal("/signin?returnUrl=%2Freviews", ignored.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(closedClient, "/reviews/calendar.ics", cookie: "incidentbot-console-user=alice")).StatusCode);
    }

    [Fact]
    public async Task Calendar_feed_link_valid_is_the_person_wrong_or_revoked_is_404()
    {
        var bot = Bot();
        var first = await SendAsync(bot, new CreateCalendarFeed(Actor.Console("alice")));
        using var client = Client(bot);

        var feed = await GetAsync(client, $"/reviews/feed/{first}.ics");
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.Equal("text/calendar", feed.Content.Headers.ContentType!.MediaType);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/reviews/feed/made-up.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, $"/reviews/feed/{new string('x', 5000)}.ics")).StatusCode);
        // A feed link is a feed link only: a bearer token does not stand in for it.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/reviews/feed/made-up.ics", bearer: Token)).StatusCode);
        await SendAsync(bot, new CreateCalendarFeed(Actor.Console("alice")));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, $"/reviews/feed/{first}.ics")).StatusCode);
    }

    [Fact]
    public async Task Api_token_policy_takes_the_bearer_token_and_nothing_else()
    {
        var bot = Bot(open: true);
        var cookies = new CookieContainer();
        using (var browser = Client(bot, cookies))
        {
            await SignInWithTokenAsync(browser, "erin", Token);
        }

        var signInCookie = $"incidentbot-auth={cookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"]!.Value}";

        Assert.True(await AuthorizeAsync(bot, WebAuthentication.ApiTokenPolicy, bearer: Token));
        Assert.False(await AuthorizeAsync(bot, WebAuthentication.ApiTokenPolicy, bearer: "wrong-token-0123456789abcdef"));
        Assert.False(await AuthorizeAsync(bot, WebAuthentication.ApiTokenPolicy));
        Assert.False(await AuthorizeAsync(bot, WebAuthentication.ApiTokenPolicy, cookie: signInCookie));
        Assert.False(await AuthorizeAsync(bot, WebAuthentication.ApiTokenPolicy, cookie: "incidentbot-console-user=alice"));
        Assert.True(await AuthorizeAsync(bot, WebAuthentication.PersonPolicy, cookie: signInCookie));
    }

    /// <summary>Runs a policy as the authorization middleware would, for an endpoint the bot may not map yet.</summary>
    private static async Task<bool> AuthorizeAsync(WebApplicationFactory<Program> bot, string policyName, string? bearer = null, string? cookie = null)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (bearer is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {bearer}";
        }

        if (cookie is not null)
        {
            http.Request.Headers.Cookie = cookie;
        }

        // As UseAuthentication does before the authorization middleware runs.
        if ((await http.AuthenticateAsync()).Principal is { } user)
        {
            http.User = user;
        }

        var policy = (await scope.ServiceProvider.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName))!;
        var evaluator = scope.ServiceProvider.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        return (await evaluator.AuthorizeAsync(policy, authentication, http, resource: null)).Succeeded;
    }
}
