using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Teams.Cards;
using Microsoft.Extensions.DependencyInjection;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams;

/// <summary>Teams end to end: activities (Microsoft's published shapes) with signed JWTs in, Connector and Graph calls out.</summary>
public sealed class TeamsAdapterTests : IAsyncLifetime
{
    private TeamsHarness _h = null!;

    public async Task InitializeAsync() => _h = await TeamsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(int Number, string Thread)> DeclareByMentionAsync(string text = "declare sev2 Checkout errors spike")
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.SayAsync(text)).StatusCode);
        await _h.SettleAsync();
        var incident = await _h.IncidentAsync(1);
        return (1, Assert.Single(incident.Channels, c => c.Platform == "teams").ChannelId);
    }

    [Fact]
    public async Task DeclareByMention_RepliesAndStartsAThreadWithTheStatusCard()
    {
        var (_, thread) = await DeclareByMentionAsync();

        var reply = Assert.Single(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.ReplyToActivity && c.Text!.Contains("INC-1 declared", StringComparison.Ordinal));
        Assert.Contains("INC-1 declared (SEV2): Checkout errors spike", reply.Text);
        Assert.StartsWith("Bearer fake-token-botframework", reply.Authorization);
        var create = Assert.Single(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation);
        Assert.Equal(TeamsActivities.DefaultChannelId, create.Body!["channelData"]!["channel"]!["id"]!.GetValue<string>());
        var card = create.Body["activity"]!["attachments"]![0]!["content"]!;
        Assert.Contains("INC-1", card.ToJsonString());
        Assert.StartsWith(TeamsActivities.DefaultChannelId + ";messageid=", thread);
    }

    [Theory]
    [InlineData("status identified bad deploy", "INC-1 is now identified: bad deploy")]
    [InlineData("severity SEV1", "INC-1 is now SEV1.")]
    [InlineData("note saw 502s from the provider", "Added to INC-1's timeline as #")]
    [InlineData("action add a canary", "Action item on INC-1: add a canary")]
    [InlineData("impact-started 10m ago", "Impact on INC-1 started")]
    [InlineData("roles", "Roles on INC-1:")]
    [InlineData("timeline", "Timeline of INC-1")]
    [InlineData("list", "Open incidents (1):")]
    [InlineData("help", "declare")]
    [InlineData("resolve rolled back", "INC-1 resolved: rolled back")]
    [InlineData("cancel false alarm", "INC-1 cancelled: false alarm")]
    [InlineData("frobnicate", "lists the commands.")]
    public async Task EveryCommand_InTheIncidentThread_ImpliesTheIncident(string command, string expected)
    {
        var (_, thread) = await DeclareByMentionAsync();

        await _h.SayAsync(command, conversationId: thread);
        await _h.SettleAsync();

        Assert.Contains(_h.TextsTo(c => c.ConversationId == thread && c.Route == FakeTeamsRoutes.ReplyToActivity), t => t.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoleWithAMention_ResolvesThePersonThroughTheMembersList_AndTheCardIsUpdated()
    {
        var (_, thread) = await DeclareByMentionAsync();
        const string erin = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        _h.Teams.SetMembers(thread, FakeTeamsMember.For(erin, "Erin Ito"), FakeTeamsMember.For(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName));

        await _h.SayAsync("INC-1 role commander <at>Erin Ito</at>", conversationId: thread, mentions: [(erin, "Erin Ito")]);
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        Assert.Equal($"teams:{erin}", incident.Summary.Lead?.Key);
        Assert.Contains(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.UpdateActivity && c.Body!.ToJsonString().Contains("Erin Ito", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("commandBox")]
    public async Task MessageExtension_FromTheComposeOrCommandBox_OpensTheDialog_AndItsSubmitDeclares(string context)
    {
        var dialog = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, context, serviceUrl: _h.ServiceUrl));
        Assert.Equal("continue", dialog["task"]!["type"]!.GetValue<string>());
        Assert.Contains("\"id\":\"title\"", dialog.ToJsonString());

        var done = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, context,
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Login failures", ["severity"] = "SEV1", ["description"] = "SSO errors", ["service"] = "auth", ["private"] = "false" },
            serviceUrl: _h.ServiceUrl));
        await _h.SettleAsync();

        Assert.Equal("INC-1 declared (SEV1): Login failures. Its card is on its way to the incidents channel.", TeamsHarness.AnswerText(done));
        var incident = await _h.IncidentAsync(1);
        Assert.Equal(("Login failures", "SEV1", "auth", "teams:" + TeamsActivities.DefaultUserAadObjectId), (incident.Summary.Title, incident.Summary.Severity, incident.Summary.Service, incident.DeclaredBy.Key));
        Assert.Single(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation);
    }

    [Fact]
    public async Task MessageExtension_FromAMessage_PrefillsTheDescription_AndTheMessageBecomesTheFirstTimelineEntry()
    {
        var message = new TeamsMessagePayload("1712345678901", "<p>Checkout <b>500s</b> since 14:02 &amp; rising</p>", "5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:03:00Z", System.Globalization.CultureInfo.InvariantCulture), "https://teams.microsoft.com/l/message/19:x/1712345678901");

        var dialog = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, "message", message, serviceUrl: _h.ServiceUrl));
        var description = dialog.ToJsonString().Replace("\\u0026", "&", StringComparison.Ordinal);
        Assert.Contains("Checkout 500s since 14:02 & rising", description);

        await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "message",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Checkout errors", ["severity"] = "SEV2", ["description"] = "Checkout 500s", ["private"] = "false" },
            message, serviceUrl: _h.ServiceUrl));

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("Checkout 500s since 14:02 & rising", "teams:5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", "Sam Okafor"), (entry.Text, entry.Author.Key, entry.Author.Name));
        Assert.Equal(new DateTime(2026, 11, 21, 14, 3, 0, DateTimeKind.Utc), entry.OccurredAt);
        Assert.Equal("https://teams.microsoft.com/l/message/19:x/1712345678901", entry.Link);
    }

    [Fact]
    public async Task AddToTimeline_FromAMessage_CapturesIntoTheChosenIncident_Once()
    {
        await DeclareByMentionAsync();
        var message = new TeamsMessagePayload("1712349999000", "<p>DB failover done</p>", "5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), null);

        var chooser = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.CaptureCommand, "message", message, serviceUrl: _h.ServiceUrl));
        Assert.Contains("INC-1", chooser.ToJsonString());
        var data = new JsonObject { ["command"] = TeamsCards.CaptureCommand, ["incident"] = "1" };
        var first = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.CaptureCommand, "message", data, message, serviceUrl: _h.ServiceUrl));
        var again = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.CaptureCommand, "message", data, message, serviceUrl: _h.ServiceUrl));

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured && e.Text == "DB failover done");
        Assert.Equal($"Added to INC-1's timeline as #{entry.Id}.", TeamsHarness.AnswerText(first));
        Assert.Equal($"That message is already in INC-1's timeline as #{entry.Id}.", TeamsHarness.AnswerText(again));
    }

    [Fact]
    public async Task MarkAsKeyMoment_OnAMessageInTheIncidentThread_CapturesItAndMarksIt()
    {
        var (_, thread) = await DeclareByMentionAsync();
        var message = new TeamsMessagePayload("1712349999000", "<p>DB failover done</p>", "5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), null);

        var confirm = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.KeyMomentCommand, "message", message, conversationId: thread, serviceUrl: _h.ServiceUrl));
        Assert.Equal("continue", confirm["task"]!["type"]!.GetValue<string>());
        Assert.Contains("INC-1", confirm.ToJsonString());
        Assert.Contains($"\"{TeamsCards.DataCommand}\":\"{TeamsCards.KeyMomentCommand}\"", confirm.ToJsonString());
        var data = new JsonObject { [TeamsCards.DataCommand] = TeamsCards.KeyMomentCommand };
        var first = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.KeyMomentCommand, "message", data, message, conversationId: thread, serviceUrl: _h.ServiceUrl));
        var again = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.KeyMomentCommand, "message", data, message, conversationId: thread, serviceUrl: _h.ServiceUrl));

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("DB failover done", "teams:5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", true), (entry.Text, entry.Author.Key, entry.Key));
        Assert.Equal($"Entry #{entry.Id} of INC-1 is a key moment: it goes in the review doc's key timeline.", TeamsHarness.AnswerText(first));
        Assert.Equal("That entry is already a key moment.", TeamsHarness.AnswerText(again));
    }

    [Fact]
    public async Task MarkAsKeyMoment_OutsideAnIncidentsConversation_SaysWhereItWorks_AndMarksNothing()
    {
        await DeclareByMentionAsync();
        var message = new TeamsMessagePayload("1712349999111", "<p>lunch?</p>", "5d2b8f3a-1c4e-4a7b-9e6f-0d3c2b1a4e5f", "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), null);

        var confirm = await _h.InvokeAsync(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.KeyMomentCommand, "message", message, serviceUrl: _h.ServiceUrl));
        var submitted = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.KeyMomentCommand, "message",
            new JsonObject { [TeamsCards.DataCommand] = TeamsCards.KeyMomentCommand }, message, serviceUrl: _h.ServiceUrl));

        Assert.Contains("in an incident's thread", TeamsHarness.AnswerText(confirm), StringComparison.Ordinal);
        Assert.Contains("in an incident's thread", TeamsHarness.AnswerText(submitted), StringComparison.Ordinal);
        Assert.DoesNotContain((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
    }

    [Fact]
    public async Task StatusCardButtons_ChangeTheIncident_AndAnswerWithTheUpdatedCard()
    {
        var (_, thread) = await DeclareByMentionAsync();
        var cardId = thread[(thread.IndexOf('=', StringComparison.Ordinal) + 1)..];

        var lead = await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbTakeLead, new JsonObject { ["verb"] = TeamsCards.VerbTakeLead, ["incident"] = 1 }, cardId, serviceUrl: _h.ServiceUrl));
        var status = await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbSetStatus, new JsonObject { ["verb"] = TeamsCards.VerbSetStatus, ["incident"] = 1, ["status"] = "monitoring" }, cardId, serviceUrl: _h.ServiceUrl));
        await _h.SettleAsync();

        Assert.Equal(TeamsCards.ContentType, lead["type"]!.GetValue<string>());
        Assert.Contains(TeamsActivities.DefaultUserName, status["value"]!.ToJsonString());
        Assert.Contains("monitoring", status["value"]!.ToJsonString());
        var incident = await _h.IncidentAsync(1);
        Assert.Equal((IncidentStatus.Monitoring, "teams:" + TeamsActivities.DefaultUserAadObjectId), (incident.Summary.Status, incident.Summary.Lead?.Key));
        Assert.True(_h.Teams.ConnectorCalls.Count(c => c.Route == FakeTeamsRoutes.UpdateActivity && c.ActivityId == cardId) >= 2);
    }

    [Fact]
    public async Task PrivateDeclare_WithoutGraph_IsRefusedClearly_AndNothingIsStored()
    {
        var answer = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Secret", ["severity"] = "SEV2", ["private"] = "true" }, serviceUrl: _h.ServiceUrl));

        Assert.Contains("Microsoft Graph", TeamsHarness.AnswerText(answer));
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }

    [Fact]
    public async Task DeclareDialog_WithoutTitle_AsksAgain()
    {
        var answer = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = " ", ["severity"] = "SEV2" }, serviceUrl: _h.ServiceUrl));

        Assert.Equal("continue", answer["task"]!["type"]!.GetValue<string>());
        Assert.Contains("Give the incident a title.", answer.ToJsonString());
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
    }

    public static TheoryData<string> Rejections => new() { "wrong issuer", "wrong audience", "expired", "bad signature", "missing endorsement", "serviceurl mismatch", "unknown tenant", "no token" };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task UnauthenticatedActivities_Get401_AndChangeNothing(string case_)
    {
        var serviceUrl = _h.ServiceUrl;
        var tenant = case_ == "unknown tenant" ? "00000000-1111-2222-3333-444444444444" : TeamsActivities.DefaultTenantId;
        var token = case_ switch
        {
            "wrong issuer" => _h.Teams.MintToken(TeamsActivities.DefaultBotId, serviceUrl, issuer: "https://sts.windows.net/evil/"),
            "wrong audience" => _h.Teams.MintToken("11111111-2222-3333-4444-555555555555", serviceUrl),
            "expired" => _h.Teams.MintToken(TeamsActivities.DefaultBotId, serviceUrl, lifetime: TimeSpan.FromMinutes(-10)),
            "bad signature" => _h.Teams.MintForgedToken(TeamsActivities.DefaultBotId, serviceUrl),
            "missing endorsement" => _h.Teams.MintToken(TeamsActivities.DefaultBotId, serviceUrl, endorsedForMsTeams: false),
            "serviceurl mismatch" => _h.Teams.MintToken(TeamsActivities.DefaultBotId, "https://smba.attacker.example/"),
            _ => _h.Teams.MintToken(TeamsActivities.DefaultBotId, serviceUrl),
        };
        var activity = TeamsActivities.Message($"<at>{TeamsActivities.DefaultBotName}</at> declare sev1 forged", serviceUrl: serviceUrl, mentionBot: true, tenantId: tenant);

        var response = await _h.PostAsync(activity, token, withToken: case_ != "no token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
        Assert.Empty(await StoreProbe.ConversationsAsync(_h.Bot.Services, "teams"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"type":"message","text":"hi"}""")]
    [InlineData("""{"type":"message","serviceUrl":"not a url","channelId":"msteams","conversation":{"id":"x"}}""")]
    public async Task MalformedActivities_Get400_AndStoreNothing(string body)
    {
        var response = await _h.PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
    }

    [Fact]
    public async Task Outbound_OnlyGoesToServiceUrlsThatArrivedAuthenticated()
    {
        await DeclareByMentionAsync();
        await using var scope = _h.Bot.Services.CreateAsyncScope();
        var connector = scope.ServiceProvider.GetRequiredService<IncidentBot.Teams.Outbound.TeamsConnectorClient>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            connector.SendAsync("https://smba.attacker.example/", "19:x@thread.tacv2", IncidentBot.Teams.Outbound.TeamsConnectorClient.PlainMessage("hi"), CancellationToken.None));

        Assert.Contains("no authenticated activity came from it", refused.Message);
        Assert.DoesNotContain(_h.Teams.ConnectorCalls, c => c.Path.Contains("attacker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BotAddedToATeam_IsRemembered_SoTheBotCanPostThereAfterARestart()
    {
        var response = await _h.PostAsync(TeamsActivities.ConversationUpdateBotAdded(serviceUrl: _h.ServiceUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await StoreProbe.ConversationsAsync(_h.Bot.Services, "teams");
        Assert.Contains(stored, r => r.ServiceUrl == _h.ServiceUrl && r.TeamId == TeamsActivities.DefaultTeamId && r.TenantId == TeamsActivities.DefaultTenantId);
    }
}

/// <summary>With Microsoft Graph: a channel per incident, and the thread fall-back when Graph refuses.</summary>
public sealed class TeamsGraphTests
{
    [Fact]
    public async Task WithGraph_EachIncidentGetsItsOwnChannel_WithTheCardPostedThere()
    {
        await using var h = await TeamsHarness.StartAsync(graph: true);

        await h.SayAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();

        var channel = Assert.Single(h.Teams.GraphChannels);
        Assert.Equal("INC-1 Checkout errors spike", channel.DisplayName);
        var linked = Assert.Single((await h.IncidentAsync(1)).Channels);
        Assert.Equal(channel.Id, linked.ChannelId);
        var create = Assert.Single(h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation && c.Body!["channelData"]!["channel"]!["id"]!.GetValue<string>() == channel.Id);
        Assert.StartsWith("Bearer fake-token-graph", Assert.Single(h.Teams.GraphCalls, g => g.Route == FakeTeamsRoutes.GraphCreateChannel).Authorization);
        Assert.NotNull(create);
        // The announcement goes to the incidents channel as its own thread.
        Assert.Contains(h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation && c.Body!["channelData"]!["channel"]!["id"]!.GetValue<string>() == TeamsActivities.DefaultChannelId);
    }

    [Fact]
    public async Task WhenGraphRefusesAChannel_TheIncidentGetsAThreadInTheIncidentsChannel_AndPeopleAreTold()
    {
        await using var h = await TeamsHarness.StartAsync(graph: true);
        h.Teams.MaxChannelsPerTeam = 0;

        await h.SayAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();

        var linked = Assert.Single((await h.IncidentAsync(1)).Channels);
        Assert.StartsWith(TeamsActivities.DefaultChannelId + ";messageid=", linked.ChannelId);
        Assert.Contains(h.TextsTo(c => c.ConversationId == linked.ChannelId), t => t.Contains("would not create a channel", StringComparison.Ordinal));
    }
}

/// <summary>Private incidents never reach the shared incidents channel on Teams.</summary>
public sealed class TeamsPrivateIncidentTests
{
    [Fact]
    public async Task PrivateIncident_WithGraph_GetsAGroupChatOfItsMembers_AndNothingInTheIncidentsChannel()
    {
        await using var h = await TeamsHarness.StartAsync(graph: true);

        await h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Payroll export exposed", ["severity"] = "SEV1", ["private"] = "true" }, serviceUrl: h.ServiceUrl));
        await h.SettleAsync();

        var chat = Assert.Single(h.Teams.GraphChats);
        Assert.Contains(TeamsActivities.DefaultUserAadObjectId, chat.MemberIds);
        Assert.Equal(chat.Id, Assert.Single((await h.IncidentAsync(1)).Channels).ChannelId);
        Assert.Empty(h.Teams.GraphChannels);
        Assert.DoesNotContain(h.Teams.ConnectorCalls, c => c.Body is not null && c.Body.ToJsonString().Contains("Payroll", StringComparison.Ordinal)
            && c.Route == FakeTeamsRoutes.CreateConversation);
    }

    [Fact]
    public async Task PrivateIncident_DeclaredElsewhere_WithoutGraph_StaysOutOfTeams()
    {
        await using var h = await TeamsHarness.StartAsync();
        await h.SayAsync("list"); // the bot learns the incidents channel
        await h.SettleAsync();

        await using (var scope = h.Bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MediatR.IMediator>().Send(new IncidentBot.Core.Features.Incidents.DeclareIncident(Actor.Console("alice"), "Secret thing", IsPrivate: true));
        }

        await h.SettleAsync();

        Assert.Empty((await h.IncidentAsync(1)).Channels);
        Assert.DoesNotContain(h.Teams.ConnectorCalls, c => c.Body is not null && c.Body.ToJsonString().Contains("Secret", StringComparison.Ordinal));
    }
}
