using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using MediatR;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Access;

/// <summary>A team's own <c>Incidents:Permissions</c> take effect on every surface, tighter or looser than the defaults.</summary>
public sealed partial class ConfiguredPermissionsTests
{
    private static readonly Actor Dana = Actor.Console("dana");
    private static readonly Actor Sam = Actor.Console("sam");
    private static readonly Actor Facilitator = Actor.Console("facilitator");

    [Fact]
    public async Task Resolving_tightened_to_the_lead_refuses_the_declarer_on_the_web_and_lets_a_facilitator()
    {
        // One line, as an environment variable would say it (Incidents__Permissions__Resolve=lead,facilitators).
        await using var bot = Web(("Incidents:Permissions:Resolve", "lead, facilitators"));
        var number = (await SendAsync(bot, new DeclareIncident(Dana, "Checkout errors", "SEV2"))).Number;

        var refused = await CommandAsync(bot, "dana", number, $"INC-{number} resolve rolled back");

        Assert.Equal($"Only the commander or a facilitator can resolve INC-{number}.", refused);
        Assert.Equal(IncidentStatus.Investigating, (await SendAsync(bot, new GetIncident(Facilitator, number))).Summary.Status);

        // Resolving through the status is resolving.
        Assert.Equal($"Only the commander or a facilitator can resolve INC-{number}.", await CommandAsync(bot, "dana", number, $"INC-{number} status resolved"));
        Assert.Equal(IncidentStatus.Investigating, (await SendAsync(bot, new GetIncident(Facilitator, number))).Summary.Status);

        await CommandAsync(bot, "facilitator", number, $"INC-{number} resolve rolled back");
        Assert.Equal(IncidentStatus.Resolved, (await SendAsync(bot, new GetIncident(Facilitator, number))).Summary.Status);
    }

    [Fact]
    public async Task Editing_the_timeline_loosened_to_role_holders_lets_the_scribe_hide_an_entry_and_offers_the_controls()
    {
        await using var bot = Web(("Incidents:Permissions:EditTimeline:0", "roles"), ("Incidents:Permissions:EditTimeline:1", "facilitators"));
        var number = (await SendAsync(bot, new DeclareIncident(Dana, "Checkout errors", "SEV2"))).Number;
        await SendAsync(bot, new AssignRole(Dana, number, "scribe", Sam.PersonKey, "sam"));
        var entry = (await SendAsync(bot, new GetIncident(Facilitator, number))).Timeline[0].Id;

        using var sam = Client(bot, "sam");
        Assert.Contains($"data-testid=\"toggle-{entry}\"", await sam.GetStringAsync(new Uri($"/incidents/{number}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal("Entry hidden (kept in the audit trail).", await PostAsync(bot, "sam", number, "Edit", new() { ["entryId"] = $"{entry}", ["hidden"] = "true" }));
        Assert.True((await SendAsync(bot, new GetIncident(Facilitator, number, IncludeHidden: true))).Timeline[0].Hidden);

        // Someone in the channel without a role still may not, and is not offered the controls.
        using var mel = Client(bot, "mel");
        Assert.DoesNotContain("data-testid=\"toggle-", await mel.GetStringAsync(new Uri($"/incidents/{number}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal($"Only role holders or a facilitator can hide or correct timeline entries of INC-{number}.",
            await PostAsync(bot, "mel", number, "Edit", new() { ["entryId"] = $"{entry}", ["hidden"] = "false" }));
        Assert.True((await SendAsync(bot, new GetIncident(Facilitator, number, IncludeHidden: true))).Timeline[0].Hidden);
    }

    [Fact]
    public async Task Capturing_tightened_to_members_answers_a_bystanders_reaction_privately_and_captures_a_members()
    {
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Incidents:Permissions:Capture:0"] = "members" });
        var number = (await h.SendAsync(new DeclareIncident(new Actor("slack:U0DECLARE1", "dana", SlackHarness.Team), "Checkout errors", "SEV2"))).Number;
        await h.SettleAsync();
        var channel = Assert.Single((await h.IncidentAsync(number)).Channels, c => c.Platform == "slack").ChannelId;
        h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR1", "db-2 disk is full");

        await ReactAsync(h, channel, "U0BYSTAND1", "Ev1");

        var told = Assert.Single(h.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal("U0BYSTAND1", told["user"]);
        Assert.Equal($"Only members of INC-{number} can add messages to INC-{number}'s timeline.", WebUtility.HtmlDecode(told["text"]));
        Assert.DoesNotContain((await h.IncidentAsync(number)).Timeline, e => e.Kind == TimelineKind.Captured);

        await ReactAsync(h, channel, "U0DECLARE1", "Ev2");

        Assert.Single((await h.IncidentAsync(number)).Timeline, e => e.Kind == TimelineKind.Captured);
    }

    private static async Task ReactAsync(SlackHarness h, string channel, string user, string eventId)
    {
        var reaction = SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", "1763370999.000200"), ("EVENT_ID", eventId), ("REACTION", "pushpin"))
            .Replace("\"user\": \"U123ABC456\"", $"\"user\": \"{user}\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await h.EventAsync(reaction)).StatusCode);
        await h.SettleAsync();
    }

    private static BotFactory Web(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Web:Console:Open"] = "true", ["Reviews:Facilitators:0"] = "console:facilitator" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new BotFactory(all);
    }

    private static async Task<T> SendAsync<T>(BotFactory bot, IRequest<T> request)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    private static HttpClient Client(BotFactory bot, string name)
    {
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie(IncidentBot.Web.Access.ConsoleNameHandler.CookieName, name));
        return bot.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(cookies));
    }

    private static Task<string> CommandAsync(BotFactory bot, string name, int number, string text) =>
        PostAsync(bot, name, number, "Command", new() { ["text"] = text });

    private static async Task<string> PostAsync(BotFactory bot, string name, int number, string handler, Dictionary<string, string> form)
    {
        using var client = Client(bot, name);
        var page = await client.GetStringAsync(new Uri($"/incidents/{number}", UriKind.Relative));
        form["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
        var response = await client.PostAsync(new Uri($"/incidents/{number}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(ReplyDiv().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("data-testid=\"reply\">(.*?)</", RegexOptions.Singleline)]
    private static partial Regex ReplyDiv();
}
