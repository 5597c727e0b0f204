using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Slack;

/// <summary>Socket Mode envelopes while every outbound client is down: each is acked, none is lost.</summary>
public sealed class SocketModeOutboundFaultTests : IAsyncLifetime
{
    private FakeSocketModeServer _sockets = null!;
    private SlackHarness _h = null!;
    private int _connections;

    public async Task InitializeAsync()
    {
        _sockets = await FakeSocketModeServer.StartAsync();
        var settings = SlackOutboundFaultTests.FastPolicies();
        settings["Slack:AppToken"] = "xapp-1-test";
        _h = await SlackHarness.StartAsync(settings,
            slack => slack.SocketUrl = () => _sockets.UrlFor(Interlocked.Increment(ref _connections)),
            services => services.PostConfigure<SocketModeOptions>(o => o.AckTimeout = TimeSpan.FromMinutes(1)));
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _sockets.DisposeAsync();
    }

    private static JsonObject Published(string kind) =>
        JsonNode.Parse(SlackHarness.Fixture("socket-mode-envelopes.json"))![kind]!.AsObject();

    private JsonObject Command(string text, string trigger)
    {
        var payload = Published("slash_commands")["payload"]!.AsObject();
        payload["text"] = text;
        payload["response_url"] = _h.Slack.ResponseUrl(trigger);
        payload["trigger_id"] = trigger;
        return payload;
    }

    [Fact]
    public async Task EveryEnvelope_WithEveryOutboundClientBroken_IsAcked_AndItsWorkRunsOnceSlackIsBack()
    {
        var socket = await _sockets.NextConnectionAsync();
        await socket.SendEnvelopeAsync("env-0", "slash_commands", Command("declare sev2 Checkout errors spike", "tr-0").ToJsonString(), acceptsResponsePayload: true);
        await socket.ReceiveJsonAsync();
        await _h.SettleAsync();
        var channel = Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        _h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR", "db primary failed over");
        var callsBefore = _h.Slack.Calls.Count;
        var repliesBefore = _h.Slack.Responses.Count;

        OutboundOutage.Begin(_h.Bot.Services);

        // A form cannot open: the ack's payload says so. A command and an event are stored and acked.
        await socket.SendEnvelopeAsync("env-1", "slash_commands", Command("declare", "tr-1").ToJsonString(), acceptsResponsePayload: true);
        var form = await socket.ReceiveJsonAsync();
        Assert.Equal("env-1", form.GetProperty("envelope_id").GetString());
        Assert.Contains("not answering", form.GetProperty("payload").GetProperty("text").GetString(), StringComparison.Ordinal);
        await socket.SendEnvelopeAsync("env-2", "slash_commands", Command("list", "tr-2").ToJsonString(), acceptsResponsePayload: true);
        Assert.Equal("env-2", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await socket.SendEnvelopeAsync("env-3", "events_api", SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", "1763370999.000200"), ("EVENT_ID", "EvSocketOutage"), ("REACTION", "pushpin")));
        Assert.Equal("env-3", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());
        await socket.SendEnvelopeAsync("env-4", "interactive", SlackOutboundFaultTests.Click(_h, "take_lead", "1", "tr-lead"));
        Assert.Equal("env-4", (await socket.ReceiveJsonAsync()).GetProperty("envelope_id").GetString());

        for (var i = 0; i < 6; i++)
        {
            await _h.SettleAsync();
            _h.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(callsBefore, _h.Slack.Calls.Count);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, string.Empty, WorkStatus.Parked));

        OutboundOutage.End(_h.Bot.Services);
        for (var round = 0; round < 100 && (_h.Slack.Responses.Count == repliesBefore || !(await _h.IncidentAsync(1)).Timeline.Any(e => e.Kind == TimelineKind.Captured)); round++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(30));
            await _h.SettleAsync();
            await Task.Delay(50);
        }

        Assert.Contains(_h.Slack.Responses.Skip(repliesBefore), r => r["text"]!.GetValue<string>().StartsWith("Open incidents", StringComparison.Ordinal));
        Assert.Equal("db primary failed over", Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured).Text);
        Assert.Equal("slack:U111", (await _h.IncidentAsync(1)).Summary.Lead?.Key);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, string.Empty, WorkStatus.Parked));
    }
}
