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
        Assert.StartsWith("INC-2 declared", done["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);

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
}
