using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Teams;

/// <summary>The real host with Teams configured against fake Microsoft services on loopback.</summary>
public sealed class TeamsHarness : IAsyncDisposable
{
    private TeamsHarness(FakeTeamsServices teams, BotFactory bot, HttpClient client)
    {
        Teams = teams;
        Bot = bot;
        Client = client;
    }

    public FakeTeamsServices Teams { get; }

    public BotFactory Bot { get; }

    public HttpClient Client { get; }

    public string ServiceUrl => Teams.ConnectorUrl;

    public static async Task<TeamsHarness> StartAsync(bool graph = false, IDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var teams = await FakeTeamsServices.StartAsync(clock);
        var all = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = TeamsActivities.DefaultBotId,
            ["Teams:AppPassword"] = FakeTeamsServices.DefaultClientSecret,
            ["Teams:TenantId"] = TeamsActivities.DefaultTenantId,
            ["Teams:OpenIdMetadataUrl"] = teams.OpenIdMetadataUrl,
            ["Teams:LoginBaseUrl"] = teams.LoginBaseUrl,
            ["Teams:IncidentsChannelId"] = TeamsActivities.DefaultChannelId,
            ["Web:PublicBaseUrl"] = "https://incidents.example.test",
            ["Reviews:Facilitators:0"] = "console:facilitator",
        };
        if (graph)
        {
            all["Teams:IncidentsTeamId"] = TeamsActivities.DefaultAadGroupId;
            all["Teams:Graph:TenantId"] = TeamsActivities.DefaultTenantId;
            all["Teams:Graph:ClientId"] = FakeTeamsServices.DefaultClientId;
            all["Teams:Graph:ClientSecret"] = FakeTeamsServices.DefaultClientSecret;
            all["Teams:Graph:BaseUrl"] = teams.GraphBaseUrl;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var bot = new BotFactory(all, clock: clock);
        return new TeamsHarness(teams, bot, bot.CreateClient());
    }

    /// <summary>Posts an activity with a token the fake's endorsed key signed, for this bot and service URL.</summary>
    public Task<HttpResponseMessage> PostAsync(string activityJson, string? token = null, bool withToken = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activityJson, Encoding.UTF8, "application/json") };
        if (withToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Teams.MintToken(TeamsActivities.DefaultBotId, ServiceUrl));
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonObject> InvokeAsync(string activityJson)
    {
        var response = await PostAsync(activityJson);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>A message to the bot in the incidents channel (or a thread), mentioning it first.</summary>
    public Task<HttpResponseMessage> SayAsync(string text, string? conversationId = null, IEnumerable<(string AadObjectId, string Name)>? mentions = null) =>
        PostAsync(TeamsActivities.Message($"<at>{TeamsActivities.DefaultBotName}</at> {text}", serviceUrl: ServiceUrl, conversationId: conversationId,
            mentionBot: true, mentions: mentions));

    public Task SettleAsync() => HostWork.SettleAsync(Bot.Services, Bot.Clock);


    public async Task<IncidentDetails> IncidentAsync(int number)
    {
        await using var scope = Bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetIncident(IncidentBot.Core.Domain.Actor.Console("facilitator"), number));
    }

    /// <summary>
    /// The text an invoke's answer shows: a task message's value, the text blocks of a dialog's card (as their markdown),
    /// or a Universal Action message.
    /// </summary>
    public static string AnswerText(JsonObject answer)
    {
        if (answer["task"] is JsonObject task)
        {
            return task["type"]!.GetValue<string>() == "message"
                ? task["value"]!.GetValue<string>()
                : string.Join("\n", task["value"]!["card"]!["content"]!["body"]!.AsArray().Where(b => (string?)b!["type"] == "TextBlock").Select(b => (string)b!["text"]!));
        }

        return answer["value"]!.GetValue<string>();
    }

    /// <summary>Texts the bot sent or replied into a conversation (thread or channel), in order.</summary>
    public IReadOnlyList<string> TextsTo(Func<ConnectorCall, bool> where) =>
        Teams.ConnectorCalls.Where(c => c.Method != "GET" && where(c)).Select(c => c.Text ?? string.Empty).ToList();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Bot.DisposeAsync();
        await Teams.DisposeAsync();
    }
}
