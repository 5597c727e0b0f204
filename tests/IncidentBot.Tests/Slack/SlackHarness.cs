using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Slack;

/// <summary>The real host wired to a fake Slack on loopback, sending signed requests built from Slack's published payloads.</summary>
public sealed class SlackHarness : IAsyncDisposable
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string Announcements = "CANNOUNCE1";
    public const string Team = "T1DC2JH3J";

    private SlackHarness(FakeSlackApi slack, BotFactory bot, HttpClient client)
    {
        Slack = slack;
        Bot = bot;
        Client = client;
    }

    public FakeSlackApi Slack { get; }

    public BotFactory Bot { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Clock => Bot.Clock;

    public static async Task<SlackHarness> StartAsync(IDictionary<string, string?>? settings = null, Action<FakeSlackApi>? prepare = null,
        Action<IServiceCollection>? services = null)
    {
        var slack = await FakeSlackApi.StartAsync();
        prepare?.Invoke(slack);
        var all = SlackSettings(slack.ApiBaseUrl);
        all["Outbox:PollInterval"] = "00:00:00.050";
        all["Reviews:Facilitators:0"] = "console:facilitator";
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        slack.Clock = clock; // one clock for both, so the ts Slack gives a post is on the bot's time line
        var bot = new BotFactory(all, clock: clock, services: services);
        var client = bot.CreateClient();
        bot.Services.GetRequiredService<IncidentBot.Slack.Api.SlackPostPacer>().Interval = TimeSpan.Zero;
        return new SlackHarness(slack, bot, client);
    }

    /// <summary>The settings that point a bot at a fake Slack (HTTP endpoints signed with <see cref="SigningSecret"/>).</summary>
    public static Dictionary<string, string?> SlackSettings(string apiBaseUrl) => new()
    {
        ["Slack:BotToken"] = "xoxb-test-token",
        ["Slack:SigningSecret"] = SigningSecret,
        ["Slack:ApiBaseUrl"] = apiBaseUrl,
        ["Slack:AnnouncementsChannel"] = Announcements,
        ["Web:PublicBaseUrl"] = "https://incidents.example.test",
    };

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Slack", "Fixtures", name));

    /// <summary>A slash command from the published example, with our text, channel and response URL.</summary>
    public Task<HttpResponseMessage> CommandAsync(string text, string channel = "C0GENERAL", string user = "U2CERLKJA", string? trigger = null, string? responseUrl = null) =>
        PostSignedAsync("/slack/commands", CommandBody(Slack, text, channel, user, trigger, responseUrl), "application/x-www-form-urlencoded");

    /// <summary>
    /// The form body of <c>/incident &lt;text&gt;</c>: Slack's published example with our text, channel, user and a
    /// response URL (by default on <paramref name="slack"/>).
    /// </summary>
    public static string CommandBody(FakeSlackApi slack, string text, string channel = "C0GENERAL", string user = "U2CERLKJA", string? trigger = null, string? responseUrl = null) =>
        Fixture("slash-command.form.txt")
            .Replace("{{TEXT}}", Uri.EscapeDataString(text), StringComparison.Ordinal)
            .Replace("{{CHANNEL}}", channel, StringComparison.Ordinal)
            .Replace("{{RESPONSE_URL}}", Uri.EscapeDataString(responseUrl ?? slack.ResponseUrl(Guid.NewGuid().ToString("N"))), StringComparison.Ordinal)
            .Replace("user_id=U2CERLKJA", $"user_id={user}", StringComparison.Ordinal)
            .Replace("command=%2Fwebhook-collect", "command=%2Fincident", StringComparison.Ordinal)
            .Replace("trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", $"trigger_id={trigger ?? Guid.NewGuid().ToString("N")}", StringComparison.Ordinal);

    public Task<HttpResponseMessage> EventAsync(string json, int? retry = null) =>
        PostSignedAsync("/slack/events", json, "application/json", retry);

    public Task<HttpResponseMessage> InteractionAsync(string json) =>
        PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(json), "application/x-www-form-urlencoded");

    public async Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, int? retry = null, string? secret = null, DateTimeOffset? at = null)
    {
        using var request = Signed(path, body, contentType, at ?? Clock.GetUtcNow(), secret, retry);
        return await Client.SendAsync(request);
    }

    /// <summary>A request to the bot signed as Slack signs it (v0: HMAC-SHA256 of the timestamp and the raw body).</summary>
    public static HttpRequestMessage Signed(string path, string body, string contentType, DateTimeOffset at, string? secret = null, int? retry = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Encoding.ASCII.GetString(SlackSignature.Compute(secret ?? SigningSecret, timestamp, bytes)));
        if (retry is { } r)
        {
            request.Headers.Add("X-Slack-Retry-Num", r.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return request;
    }


    /// <summary>A URL on loopback where nothing listens: connections to it are refused at once.</summary>
    public static string UnreachableUrl(string path)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/{path}";
    }

    /// <summary>Runs queued deliveries and intents until nothing is left (the background workers may help).</summary>
    public Task SettleAsync() => HostWork.SettleAsync(Bot.Services, Clock);


    public async Task<T> SendAsync<T>(IRequest<T> request)
    {
        await using var scope = Bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>An incident as a facilitator sees it (private ones included).</summary>
    public Task<IncidentBot.Core.Features.IncidentDetails> IncidentAsync(int number) => SendAsync(new GetIncident(IncidentBot.Core.Domain.Actor.Console("facilitator"), number));

    public static string Placeholders(string template, params (string Key, string Value)[] values)
    {
        foreach (var (key, value) in values)
        {
            template = template.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        return template;
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Bot.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
