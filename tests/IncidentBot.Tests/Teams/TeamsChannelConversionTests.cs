using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Teams.Cards;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// Declaring from a team channel that is no incident's can make it the incident's home; its messages of the chosen
/// minutes start the timeline when Graph lets the bot read them (resource-specific consent, faked on loopback).
/// </summary>
public sealed class TeamsChannelConversionTests : IAsyncLifetime
{
    private const string WarRoom = "19:c3f1a9e07b2d4e58a6b1f2d3c4e5a6b7@thread.tacv2";
    private const string Ana = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private TeamsHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await TeamsHarness.StartAsync(graph: true);
        await _h.PostAsync(TeamsActivities.ConversationUpdateBotAdded(serviceUrl: _h.ServiceUrl));
        await _h.SettleAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task DeclareDialog_InAnotherChannel_OffersIt_AndUsingItStartsTheThreadThere_WithTheChosenMinutes()
    {
        var now = _h.Bot.Clock.GetUtcNow();
        _h.Teams.SeedChannelMessage(TeamsActivities.DefaultAadGroupId, WarRoom, Ana, "Ana Lima", "<p>lunch?</p>", now - TimeSpan.FromMinutes(90));
        _h.Teams.SeedChannelMessage(TeamsActivities.DefaultAadGroupId, WarRoom, Ana, "Ana Lima", "<p>card payments <b>failing</b></p>", now - TimeSpan.FromMinutes(20));
        _h.Teams.SeedChannelMessage(TeamsActivities.DefaultAadGroupId, WarRoom, Ana, "Ana Lima", "<p>Ana added Ben</p>", now - TimeSpan.FromMinutes(10), "systemEventMessage");

        var dialog = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, "compose", channelId: WarRoom, serviceUrl: _h.ServiceUrl));
        Assert.Contains($"\"id\":\"{TeamsCards.Inputs.UseChannel}\"", dialog.ToJsonString());

        var done = await _h.InvokeAsync(Submit(useChannel: true));
        await _h.SettleAsync();

        Assert.Equal("INC-1 declared (SEV2): Card payments failing. Its thread starts in this channel.", TeamsHarness.AnswerText(done));
        var card = Assert.Single(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation && c.Body!["channelData"]!["channel"]!["id"]!.GetValue<string>() == WarRoom);
        Assert.Equal(TeamsCards.ContentType, card.Body!["activity"]!["attachments"]![0]!["contentType"]!.GetValue<string>());
        var incident = await _h.IncidentAsync(1);
        Assert.StartsWith(WarRoom + ";messageid=", Assert.Single(incident.Channels, c => c.Platform == "teams").ChannelId);
        var copied = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("card payments failing", "teams:" + Ana, "Ana Lima"), (copied.Text, copied.Author.Key, copied.Author.Name));
        Assert.Contains(_h.Teams.GraphCalls, c => c.Route == FakeTeamsRoutes.GraphListChannelMessages);
        Assert.DoesNotContain(_h.Teams.GraphCalls, c => c.Route == FakeTeamsRoutes.GraphCreateChannel);
    }

    [Fact]
    public async Task WithoutPermissionToReadTheChannel_ItConvertsWithoutTheMessages_AndSaysWhy()
    {
        _h.Teams.MayReadChannelMessages = false;
        _h.Teams.SeedChannelMessage(TeamsActivities.DefaultAadGroupId, WarRoom, Ana, "Ana Lima", "<p>card payments failing</p>", _h.Bot.Clock.GetUtcNow() - TimeSpan.FromMinutes(5));

        await _h.InvokeAsync(Submit(useChannel: true));
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        var thread = Assert.Single(incident.Channels, c => c.Platform == "teams").ChannelId;
        Assert.StartsWith(WarRoom + ";messageid=", thread);
        Assert.DoesNotContain(incident.Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Contains(_h.TextsTo(c => c.Route == FakeTeamsRoutes.ReplyToActivity),
            t => t.Contains("INC-1 starts without this channel's earlier messages", StringComparison.Ordinal) && t.Contains("ChannelMessage.Read.Group", StringComparison.Ordinal));
    }

    private string Submit(bool useChannel) => TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
        new JsonObject
        {
            ["command"] = TeamsCards.DeclareCommand,
            ["title"] = "Card payments failing",
            ["severity"] = "SEV2",
            ["private"] = "false",
            [TeamsCards.Inputs.UseChannel] = useChannel ? "true" : "false",
            [TeamsCards.Inputs.Backfill] = "60",
        },
        channelId: WarRoom, serviceUrl: _h.ServiceUrl);
}
