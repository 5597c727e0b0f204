using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Tests.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// The bot with <c>Slack:AppToken</c> and no public URL: envelopes from a fake Socket Mode server on loopback reach
/// the same handlers as HTTP and produce the same outcome.
/// </summary>
public sealed class SlackSocketModeEndToEndTests : IAsyncLifetime
{
    private FakeSocketModeServer _sockets = null!;
    private SlackHarness _h = null!;
    private int _connections;

    public async Task InitializeAsync()
    {
        _sockets = await FakeSocketModeServer.StartAsync();
        _h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Slack:AppToken"] = "xapp-1-test" },
            slack => slack.SocketUrl = () => _sockets.UrlFor(Interlocked.Increment(ref _connections)),
            // Acks wait for the dispatcher as long as it takes: an ack sent by the timeout would hide a slow dispatch.
            services => services.PostConfigure<SocketModeOptions>(o => o.AckTimeout = TimeSpan.FromMinutes(1)));
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _sockets.DisposeAsync();
    }

    private static JsonObject Published(string kind) =>
        JsonNode.Parse(SlackHarness.Fixture("socket-mode-envelopes.json"))![kind]!.AsObject();

    [Fact]
    public async Task SlashCommandEventAndInteraction_OverTheSocket_AreAckedAndApplied()
    {
        var socket = await _sockets.NextConnectionAsync();

        // A slash command, as Slack's published envelope with our text.
        var command = Published("slash_commands");
        var payload = command["payload"]!.AsObject();
        payload["text"] = "declare sev1 Socket outage";
        payload["response_url"] = _h.Slack.ResponseUrl("socket");
        payload["trigger_id"] = "socket-trigger-1";
        await socket.SendEnvelopeAsync("env-1", "slash_commands", payload.ToJsonString(), acceptsResponsePayload: true);
        var ack = await socket.ReceiveJsonAsync();
        Assert.Equal("env-1", ack.GetProperty("envelope_id").GetString());
        await _h.SettleAsync();

        var reply = Assert.Single(_h.Slack.Responses);
        Assert.StartsWith("INC-1 declared (SEV1): Socket outage", reply["text"]!.GetValue<string>());
        var channel = _h.Slack.ChannelNamed("inc-1-socket-outage")!;
        Assert.Contains("U111", channel.Members);

        // An event: a pushpin in the incident channel.
        _h.Slack.AddMessage(channel.Id, "1763372000.000100", "U0AUTHOR", "failover started");
        var reaction = SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel.Id), ("TS", "1763372000.000100"), ("EVENT_ID", "EvSocket1"), ("REACTION", "pushpin"));
        await socket.SendEnvelopeAsync("env-2", "events_api", reaction);
        Assert.Equal("env-2", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());

        // An interaction whose answer travels in the ack: a form submitted without a title.
        var submission = SlackHarness.Parse(SlackHarness.Placeholders(SlackHarness.Fixture("interaction-view_submission.json"),
                ("CALLBACK_ID", "declare_incident"), ("PRIVATE_METADATA", channel.Id))
            .Replace("\"{{STATE_VALUES}}\"", """{"title":{"value":{"type":"plain_text_input","value":""}}}""", StringComparison.Ordinal));
        await socket.SendEnvelopeAsync("env-3", "interactive", submission.ToJsonString(), acceptsResponsePayload: true);
        var formAck = await socket.ReceiveJsonAsync();
        Assert.Equal("env-3", formAck.GetProperty("envelope_id").GetString());
        Assert.Equal("errors", formAck.GetProperty("payload").GetProperty("response_action").GetString());
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        Assert.Contains(incident.Timeline, e => e.Kind == TimelineKind.Captured && e.Text == "failover started");
        Assert.Equal(1, incident.Summary.Number);
    }

    [Fact]
    public async Task StarReactionOverTheSocket_MarksAKeyMoment_AndItsRemovalUnmarksIt()
    {
        var socket = await _sockets.NextConnectionAsync();
        var command = Published("slash_commands")["payload"]!.AsObject();
        command["text"] = "declare sev2 Socket outage";
        command["response_url"] = _h.Slack.ResponseUrl("socket-key");
        command["trigger_id"] = "socket-key-trigger";
        await socket.SendEnvelopeAsync("env-declare", "slash_commands", command.ToJsonString(), acceptsResponsePayload: true);
        await socket.ReceiveJsonAsync();
        await _h.SettleAsync();
        var channel = _h.Slack.ChannelNamed("inc-1-socket-outage")!;
        _h.Slack.AddMessage(channel.Id, "1763372000.000100", "U0AUTHOR", "failover started");

        // The published reaction events come from U123ABC456, who is in the incident's channel here.
        string Event(string fixture, string eventId, params (string Key, string Value)[] values) =>
            SlackHarness.Placeholders(SlackHarness.Fixture(fixture), [("CHANNEL", channel.Id), ("EVENT_ID", eventId), .. values]);
        // Envelopes are dispatched side by side, and a reaction is ordered with its message rather than behind the
        // channel's joins: the star is sent once the join is applied, or it could be refused (only members mark).
        await socket.SendEnvelopeAsync("env-join", "events_api", Event("event-member_joined_channel.json", "EvSocketJoin", ("USER", "U123ABC456")));
        Assert.Equal("env-join", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await TestTime.UntilAsync(async () => (await _h.IncidentAsync(1)).Members.Any(m => m.Key == "slack:U123ABC456"), "the reactor is a member");
        await socket.SendEnvelopeAsync("env-star", "events_api", Event("event-reaction_added.json", "EvSocketStar", ("TS", "1763372000.000100"), ("REACTION", "star")));
        Assert.Equal("env-star", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await _h.SettleAsync();
        await TestTime.UntilAsync(async () => (await _h.IncidentAsync(1)).Timeline.Any(e => e.Key == true && e.Kind == TimelineKind.Captured), "the starred message is a key moment");
        var marked = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("failover started", true), (marked.Text, marked.Key));

        await socket.SendEnvelopeAsync("env-unstar", "events_api", Event("event-reaction_removed.json", "EvSocketUnstar", ("TS", "1763372000.000100"), ("REACTION", "star")));
        Assert.Equal("env-unstar", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await _h.SettleAsync();
        await TestTime.UntilAsync(async () => (await _h.IncidentAsync(1)).Timeline.Any(e => e.Key == false && e.Kind == TimelineKind.Captured), "the unstarred message is no key moment");
        Assert.False(Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured).Key);
    }

    [Fact]
    public async Task FormOverTheSocket_OpensAfterTheAck_NotBeforeIt()
    {
        var socket = await _sockets.NextConnectionAsync();
        var slow = _h.Slack.Hold("views.open");
        var payload = Published("slash_commands")["payload"]!.AsObject();
        payload["text"] = "declare";
        payload["response_url"] = _h.Slack.ResponseUrl("socket-form");
        payload["trigger_id"] = "socket-form-trigger";

        await socket.SendEnvelopeAsync("env-form", "slash_commands", payload.ToJsonString(), acceptsResponsePayload: true);
        var ack = await socket.ReceiveJsonAsync();
        _h.Slack.Record("ack");
        slow.Release();
        await TestTime.UntilAsync(() => _h.Slack.Events.Contains("views.open answered"), "the form opened");

        Assert.Equal("env-form", ack.GetProperty("envelope_id").GetString());
        Assert.Equal(["ack", "views.open answered"], _h.Slack.Events.Where(e => e is "ack" or "views.open answered"));
        Assert.Equal("socket-form-trigger", Assert.Single(_h.Slack.CallsTo("views.open"))["trigger_id"]);
    }

    [Fact]
    public async Task RefreshRequested_ReconnectsAndKeepsServing_AndRedeliveriesApplyOnce()
    {
        var first = await _sockets.NextConnectionAsync();
        await first.SendDisconnectAsync("refresh_requested");
        var second = await _sockets.NextConnectionAsync();

        var payload = Published("slash_commands")["payload"]!.AsObject();
        payload["text"] = "declare Replayed command";
        payload["response_url"] = _h.Slack.ResponseUrl("socket-2");
        payload["trigger_id"] = "socket-trigger-2";

        // Slack redelivers the same command (retry_attempt 1) after a missed ack: stored and applied once.
        await second.SendAsync(FakeSocketConnection.Envelope("env-a", "slash_commands", payload.ToJsonString(), acceptsResponsePayload: true));
        await second.SendAsync(FakeSocketConnection.Envelope("env-a", "slash_commands", payload.ToJsonString(), acceptsResponsePayload: true, retryAttempt: 1, retryReason: "timeout"));
        Assert.Equal("env-a", (await second.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        Assert.Equal("env-a", (await second.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await _h.SettleAsync();

        Assert.True(_connections >= 2);
        Assert.Single(_h.Slack.Responses);
        Assert.Single(_h.Slack.CallsTo("conversations.create"));
        _ = JsonSerializer.Serialize(payload);
    }
}
