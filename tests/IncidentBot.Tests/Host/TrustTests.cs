using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Host;

/// <summary>
/// Trust is configured, never inferred from where a request comes from: behind a reverse proxy on the same machine
/// (the shipped systemd unit listens on 127.0.0.1) every caller is loopback. These tests name their environment:
/// only Development opens the unauthenticated modes by itself.
/// </summary>
public sealed class TrustTests
{
    private const string Production = "Production";

    /// <summary>A facilitator's Entra object id: declaring as them would show the caller every private incident.</summary>
    private const string FacilitatorOid = "6a0f3c2d-8e41-4b7a-9c55-1d2e3f4a5b6c";

    private static string Declare(string serviceUrl) => TeamsActivities.Message(
        "declare sev1 forged outage", conversationType: "personal", fromAadObjectId: FacilitatorOid, serviceUrl: serviceUrl);

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    private static async Task AssertNothingStoredAsync(IServiceProvider services)
    {
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(services));
        Assert.Empty(await StoreProbe.ConversationsAsync(services, "teams"));
        Assert.Empty(await StoreProbe.ItemsAsync(services, "inbox."));
    }

    /// <summary>Sends one request into the in-memory host as if it came from <paramref name="peer"/>; returns the context after the pipeline ran.</summary>
    private static Task<HttpContext> SendFromAsync(BotFactory bot, string peer, string path, string? forwardedFor = null, string? json = null) =>
        bot.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Path = path;
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }

            if (json is null)
            {
                c.Request.Method = HttpMethods.Get;
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(json);
            c.Request.Method = HttpMethods.Post;
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = bytes.Length;
            c.Request.Body = new MemoryStream(bytes);
        });

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public async Task Unauthenticated_activity_through_a_same_host_proxy_is_refused_outside_development(string environment)
    {
        await using var bot = await KestrelBot.StartAsync(environment: environment);
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(bot.BaseUrl + "/api/messages"),
            new StringContent(Declare("https://attacker.example/bot/"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync(bot.Services);
    }

    [Fact]
    public async Task Forwarded_for_loopback_does_not_make_a_remote_caller_trusted()
    {
        var logs = new CapturedLogs();
        using var bot = new BotFactory(Settings(("FORWARDEDHEADERS_ENABLED", "true")), services: logs.AddTo, environment: Production);

        var context = await SendFromAsync(bot, "203.0.113.7", "/api/messages", forwardedFor: "127.0.0.1", json: Declare("http://127.0.0.1:56150/"));

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        await AssertNothingStoredAsync(bot.Services);
        Assert.Contains(logs.Warnings, w => w.Message.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_AllowUnauthenticated_an_activity_is_accepted_the_bot_replies_on_loopback_and_the_risk_is_logged()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var teams = await FakeTeamsServices.StartAsync(clock);
        var logs = new CapturedLogs();
        using var bot = new BotFactory(Settings(("Teams:AllowUnauthenticated", "true")), clock, logs.AddTo, Production);
        using var client = bot.CreateClient();

        var response = await client.PostAsync(new Uri("/api/messages", UriKind.Relative),
            new StringContent(Declare(teams.ConnectorUrl), Encoding.UTF8, "application/json"));
        await HostWork.SettleAsync(bot.Services, clock);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await StoreProbe.IncidentCountAsync(bot.Services));
        await teams.WaitForConnectorCallAsync(c => c.Text?.Contains("INC-1 declared", StringComparison.Ordinal) == true);
        Assert.Contains(logs.Warnings, w => w.Message.Contains("Teams:AllowUnauthenticated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://attacker.example/bot/")]
    [InlineData("http://10.0.0.8:3978/")]
    [InlineData("http://localhost.attacker.example/")]
    public async Task Unauthenticated_mode_refuses_a_service_url_outside_the_allowed_list_and_stores_nothing(string serviceUrl)
    {
        var logs = new CapturedLogs();
        using var bot = new BotFactory(Settings(("Teams:AllowUnauthenticated", "true")), services: logs.AddTo, environment: Production);
        using var client = bot.CreateClient();

        var response = await client.PostAsync(new Uri("/api/messages", UriKind.Relative),
            new StringContent(Declare(serviceUrl), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertNothingStoredAsync(bot.Services);
        Assert.Contains(logs.Warnings, w => w.Message.Contains(serviceUrl, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowedServiceUrls_widens_where_an_unauthenticated_bot_may_reply()
    {
        using var bot = new BotFactory(Settings(
            ("Teams:AllowUnauthenticated", "true"),
            ("Teams:AllowedServiceUrls:0", "https://playground.lab.example/teams/")), environment: Production);
        using var client = bot.CreateClient();

        async Task<HttpStatusCode> PostAsync(string serviceUrl) => (await client.PostAsync(new Uri("/api/messages", UriKind.Relative),
            new StringContent(Declare(serviceUrl), Encoding.UTF8, "application/json"))).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await PostAsync("https://playground.lab.example/teams/"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("https://PLAYGROUND.lab.example/teams/amer/"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("https://playground.lab.example/other/"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("https://playground.lab.example.attacker.test/teams/"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("http://playground.lab.example/teams/"));
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_only_from_known_proxies()
    {
        using var bot = new BotFactory(Settings(("Web:KnownProxies:0", "10.0.0.5")), environment: Production);

        var fromUnknown = await SendFromAsync(bot, "203.0.113.7", "/healthz", forwardedFor: "198.51.100.1");
        var fromKnown = await SendFromAsync(bot, "10.0.0.5", "/healthz", forwardedFor: "198.51.100.1");

        Assert.Equal(IPAddress.Parse("203.0.113.7"), fromUnknown.Connection.RemoteIpAddress);
        Assert.Equal(IPAddress.Parse("198.51.100.1"), fromKnown.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task Without_known_proxies_forwarded_headers_change_nothing_even_from_loopback()
    {
        using var bot = new BotFactory(environment: Production);

        var context = await SendFromAsync(bot, "127.0.0.1", "/healthz", forwardedFor: "198.51.100.1");

        Assert.Equal(IPAddress.Loopback, context.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task Console_in_production_requires_sign_in_even_from_loopback()
    {
        await using var bot = await KestrelBot.StartAsync(Settings(
            ("Web:SignIn:Slack:ClientId", "slack-client"),
            ("Web:SignIn:Slack:ClientSecret", "slack-secret")), Production);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Add("Cookie", "incidentbot-console-user=mallory");

        var page = await http.GetAsync(new Uri(bot.BaseUrl + "/"));
        var export = await http.GetAsync(new Uri(bot.BaseUrl + "/reviews/calendar.ics"));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2F", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode);
    }

    [Fact]
    public async Task Console_Open_trusts_typed_names_and_the_risk_is_logged()
    {
        var logs = new CapturedLogs();
        await using var bot = await KestrelBot.StartAsync(Settings(("Web:Console:Open", "true")), Production, logs.AddTo);
        using var http = new HttpClient();

        var page = await http.GetStringAsync(new Uri(bot.BaseUrl + "/"));

        Assert.Contains("Who are you?", page);
        Assert.Contains(logs.Warnings, w => w.Message.Contains("Web:Console:Open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_runs_the_quick_start_openly_and_says_so()
    {
        var logs = new CapturedLogs();
        using var bot = new BotFactory(services: logs.AddTo, environment: "Development");
        using var client = bot.CreateClient();

        var console = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        var activity = await client.PostAsync(new Uri("/api/messages", UriKind.Relative),
            new StringContent(Declare("http://127.0.0.1:56150/"), Encoding.UTF8, "application/json"));

        Assert.Contains("Who are you?", console);
        Assert.Equal(HttpStatusCode.OK, activity.StatusCode);
        Assert.Contains(logs.Warnings, w => w.Message.Contains("Teams:AllowUnauthenticated", StringComparison.Ordinal));
        Assert.Contains(logs.Warnings, w => w.Message.Contains("Web:Console:Open", StringComparison.Ordinal));
    }

    [Fact]
    public void The_quick_start_profile_runs_in_development()
    {
        using var settings = System.Text.Json.JsonDocument.Parse(
            File.ReadAllText(Repository.PathOf("src", "IncidentBot", "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").GetProperty("IncidentBot");

        Assert.Equal("Development", profile.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
    }
}
