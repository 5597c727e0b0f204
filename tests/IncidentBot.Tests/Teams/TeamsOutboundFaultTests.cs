using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Storage;
using IncidentBot.Teams.Cards;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;

namespace IncidentBot.Tests.Teams;

/// <summary>/api/messages while every outbound client (Connector, Graph, token endpoint, Slack's too) is down.</summary>
public sealed class TeamsOutboundFaultTests
{
    [Fact]
    public async Task Messages_WithEveryOutboundClientBroken_Answers200_AndItsDeliveriesRunOnceTeamsIsBack()
    {
        await using var h = await TeamsHarness.StartAsync(settings: SlackOutboundFaultTests.FastPolicies());
        Assert.Equal(HttpStatusCode.OK, (await h.SayAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        var callsBefore = h.Teams.ConnectorCalls.Count;

        OutboundOutage.Begin(h.Bot.Services);

        // A message is stored; a dialog is answered from the store alone; a dialog submit is applied inline.
        Assert.Equal(HttpStatusCode.OK, (await h.SayAsync("list")).StatusCode);
        var dialog = await h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, serviceUrl: h.ServiceUrl));
        Assert.Equal("continue", dialog["task"]!["type"]!.GetValue<string>());
        var done = await h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Login failures", ["severity"] = "SEV1", ["description"] = "SSO errors", ["service"] = "auth", ["private"] = "false" },
            serviceUrl: h.ServiceUrl));
        Assert.StartsWith("INC-2 declared", TeamsHarness.AnswerText(done), StringComparison.Ordinal);

        for (var i = 0; i < 6; i++)
        {
            await h.SettleAsync();
            h.Bot.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(callsBefore, h.Teams.ConnectorCalls.Count);
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));

        OutboundOutage.End(h.Bot.Services);
        for (var round = 0; round < 100 && !h.TextsTo(_ => true).Any(t => t.Contains("Open incidents", StringComparison.Ordinal)); round++)
        {
            h.Bot.Clock.Advance(TimeSpan.FromSeconds(30));
            await h.SettleAsync();
            await Task.Delay(50);
        }

        Assert.Contains(h.TextsTo(_ => true), t => t.Contains("Open incidents", StringComparison.Ordinal));
        await TestTime.UntilAsync(() => h.Teams.ConnectorCalls.Count(c => c.Route == FakeTeamsRoutes.CreateConversation) == 2, "INC-2's thread started");
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }

    [Fact]
    public async Task CardActionsAndBotDialogs_WithEveryOutboundClientBroken_AreAnsweredWithTheirTypes_AndNothingIsLost()
    {
        await using var h = await TeamsHarness.StartAsync(settings: SlackOutboundFaultTests.FastPolicies());
        Assert.Equal(HttpStatusCode.OK, (await h.SayAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        var thread = Assert.Single((await h.IncidentAsync(1)).Channels, c => c.Platform == "teams").ChannelId;
        var cardId = thread[(thread.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var updatesBefore = h.Teams.ConnectorCalls.Count(c => c.Route == FakeTeamsRoutes.UpdateActivity);

        OutboundOutage.Begin(h.Bot.Services);

        using var lead = await h.PostAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbTakeLead, new JsonObject { ["verb"] = TeamsCards.VerbTakeLead, ["incident"] = 1 }, cardId, serviceUrl: h.ServiceUrl));
        Assert.Equal(HttpStatusCode.OK, lead.StatusCode);
        Assert.Equal(TeamsCards.ContentType, JsonNode.Parse(await lead.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
        var fetch = await h.InvokeAsync(TeamsDeliveryTests.Renamed(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, serviceUrl: h.ServiceUrl), "task/fetch"));
        Assert.Equal("continue", fetch["task"]!["type"]!.GetValue<string>());
        var submit = await h.InvokeAsync(TeamsDeliveryTests.Renamed(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Login failures", ["severity"] = "SEV1" }, serviceUrl: h.ServiceUrl), "task/submit"));
        Assert.StartsWith("INC-2 declared", TeamsHarness.AnswerText(submit), StringComparison.Ordinal);

        for (var i = 0; i < 6; i++)
        {
            await h.SettleAsync();
            h.Bot.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
        Assert.Equal("teams:" + TeamsActivities.DefaultUserAadObjectId, (await h.IncidentAsync(1)).Summary.Lead?.Key);

        OutboundOutage.End(h.Bot.Services);
        await TestTime.UntilAsync(async () =>
        {
            h.Bot.Clock.Advance(TimeSpan.FromSeconds(30));
            await h.SettleAsync();
            return h.Teams.ConnectorCalls.Count(c => c.Route == FakeTeamsRoutes.CreateConversation) == 2
                && h.Teams.ConnectorCalls.Count(c => c.Route == FakeTeamsRoutes.UpdateActivity) > updatesBefore;
        }, "INC-2's thread started and INC-1's card showing its lead");
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }
}
