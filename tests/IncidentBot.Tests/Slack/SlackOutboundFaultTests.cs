using System.Net;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// What people see while Slack (or a response_url) is slow or unreachable: acks never wait for an outbound call,
/// never fail because of one, and deliveries wait for Slack instead of being used up against it.
/// </summary>
public sealed class SlackOutboundFaultTests
{
    /// <summary>Short policy durations, so breaking and recovering take a second instead of minutes.</summary>
    internal static Dictionary<string, string?> FastPolicies() => new()
    {
        ["Outbound:BaseDelay"] = "00:00:00.010",
        ["Outbound:FailuresBeforeBreaking"] = "3",
        ["Outbound:BreakDuration"] = "00:00:01",
    };

    [Fact]
    public async Task UnreachableResponseUrls_LeaveFormsAndCardButtonsWorking()
    {
        await using var h = await SlackHarness.StartAsync(FastPolicies());
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("list", channel: $"C0LIST{i}", responseUrl: SlackHarness.UnreachableUrl($"respond/{i}"))).StatusCode);
        }

        for (var round = 0; round < 300 && (await StoreProbe.ItemsAsync(h.Bot.Services, "inbox.")).Count(d => d.LastError is not null) < 3; round++)
        {
            await h.SettleAsync();
            await Task.Delay(50);
        }

        var declare = await h.CommandAsync("declare", trigger: "tr-form");
        var resolve = await h.InteractionAsync(Click(h, "resolve", "1", "tr-button"));

        Assert.Equal(HttpStatusCode.OK, declare.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await TestTime.UntilAsync(() => h.Slack.CallsTo("views.open").Count == 2, "both forms opened");
        Assert.Equal(["tr-form", "tr-button"], h.Slack.CallsTo("views.open").Select(c => c["trigger_id"]).Order(StringComparer.Ordinal).Reverse());
    }

    public static TheoryData<string> FormOpeners => ["command", "resolve button", "shortcut", "message action"];

    [Theory]
    [MemberData(nameof(FormOpeners))]
    public async Task FormsOpenAfterTheAck_NotBeforeIt(string opener)
    {
        await using var h = await SlackHarness.StartAsync();
        if (opener == "resolve button")
        {
            Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
            await h.SettleAsync();
        }

        var slow = h.Slack.Hold("views.open");
        var ack = opener switch
        {
            "command" => h.CommandAsync("declare", trigger: "tr-slow"),
            "resolve button" => h.InteractionAsync(Click(h, "resolve", "1", "tr-slow")),
            "shortcut" => h.InteractionAsync(SlackHarness.Placeholders(SlackHarness.Fixture("interaction-shortcut.json"),
                ("CALLBACK_ID", "declare_incident"), ("TRIGGER_ID", "tr-slow"))),
            _ => h.InteractionAsync(WithResponseUrl(h, SlackHarness.Placeholders(SlackHarness.Fixture("interaction-message_action.json"),
                ("CALLBACK_ID", "add_to_timeline"), ("CHANNEL", "C0OPS"), ("TS", "1763371002.000700"), ("TEXT", "a message"), ("TRIGGER_ID", "tr-slow")))),
        };

        // Bounded so a bot that waits for views.open before answering fails here rather than hanging.
        await Task.WhenAny(ack, Task.Delay(TimeSpan.FromSeconds(4)));
        h.Slack.Record(ack.IsCompleted ? "ack" : "still no ack");
        slow.Release();
        Assert.Equal(HttpStatusCode.OK, (await ack).StatusCode);
        await TestTime.UntilAsync(() => h.Slack.Events.Contains("views.open answered"), "the form opened");

        var order = h.Slack.Events.Where(e => e is "ack" or "still no ack" or "views.open answered").ToList();
        Assert.Equal(["ack", "views.open answered"], order);
        Assert.Equal("tr-slow", Assert.Single(h.Slack.CallsTo("views.open"))["trigger_id"]);
    }

    [Fact]
    public async Task ReactionWhileSlacksCircuitIsOpen_WaitsForIt_AndIsCapturedOnceSlackRecovers()
    {
        // The break runs on real time: long enough that a slow machine's settles stay inside one break (a half-open
        // probe meeting the 500 would count an attempt), short enough to wait out below.
        var policies = FastPolicies();
        policies["Outbound:BreakDuration"] = "00:00:05";
        await using var h = await SlackHarness.StartAsync(policies);
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        var channel = Assert.Single((await h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR", "db primary failed over");
        h.Slack.FailNext("conversations.history", 200, http =>
        {
            http.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        var ack = await h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", "1763370999.000200"), ("EVENT_ID", "EvDown"), ("REACTION", "pushpin")));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);

        // Slack stays down for many of the delivery's retry periods: it waits, it is not used up. (Settled last, so no
        // run is under way when the item is read.)
        for (var i = 0; i < 8; i++)
        {
            await h.SettleAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        await h.SettleAsync();

        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, "inbox.", WorkStatus.Parked));
        var waiting = Assert.Single(await StoreProbe.ItemsAsync(h.Bot.Services, "inbox.", WorkStatus.Pending), i => i.Kind == "event");
        Assert.Equal(0, waiting.Attempts); // each run met the open circuit (or opened it) and gave its attempt back

        h.Slack.Failures.Clear();
        // The breaker's break runs on real time (Polly's v7 API has no TimeProvider): wait for it with a generous
        // deadline, since a loaded machine stretches it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !(await h.IncidentAsync(1)).Timeline.Any(e => e.Kind == TimelineKind.Captured))
        {
            h.Clock.Advance(TimeSpan.FromSeconds(30));
            await h.SettleAsync();
            await Task.Delay(100);
        }

        Assert.Equal("db primary failed over", Assert.Single((await h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured).Text);
    }

    [Fact]
    public async Task EverySlackEndpoint_WithEveryOutboundClientBroken_Answers200_AndItsDeliveriesRunOnceSlackIsBack()
    {
        await using var h = await SlackHarness.StartAsync(FastPolicies());
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        var channel = Assert.Single((await h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR", "db primary failed over");
        var callsBefore = h.Slack.Calls.Count;
        var repliesBefore = h.Slack.Responses.Count;
        var updatesBefore = h.Slack.CallsTo("chat.update").Count;

        OutboundOutage.Begin(h.Bot.Services);

        // /slack/commands: a form cannot open, and the ack itself says so; a queued command is stored.
        var form = await h.CommandAsync("declare", trigger: "tr-down");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var explained = SlackHarness.Parse(await form.Content.ReadAsStringAsync());
        Assert.Equal("ephemeral", explained["response_type"]!.GetValue<string>());
        Assert.Contains("not answering", explained["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("list", channel: channel)).StatusCode);

        // /slack/events and /slack/interactions: stored, or applied from the store alone.
        Assert.Equal(HttpStatusCode.OK, (await h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", "1763370999.000200"), ("EVENT_ID", "EvOutage"), ("REACTION", "pushpin")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.InteractionAsync(Click(h, "take_lead", "1", "tr-lead"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.InteractionAsync(Click(h, "resolve", "1", "tr-resolve"))).StatusCode);

        for (var i = 0; i < 6; i++)
        {
            await h.SettleAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(callsBefore, h.Slack.Calls.Count);
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
        Assert.Equal("slack:U111", (await h.IncidentAsync(1)).Summary.Lead?.Key);

        OutboundOutage.End(h.Bot.Services);
        for (var round = 0; round < 100 && (h.Slack.Responses.Count == repliesBefore || !(await h.IncidentAsync(1)).Timeline.Any(e => e.Kind == TimelineKind.Captured)); round++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(30));
            await h.SettleAsync();
            await Task.Delay(50);
        }

        var replies = h.Slack.Responses.Skip(repliesBefore).ToList();
        Assert.True(replies.Count == 1, $"{replies.Count} replies after the outage; the queue: {await QueueAsync(h)}");
        Assert.StartsWith("Open incidents", replies[0]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("db primary failed over", Assert.Single((await h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured).Text);
        await TestTime.UntilAsync(() => h.Slack.CallsTo("chat.update").Count > updatesBefore, "the card shows the new lead");
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }

    [Fact]
    public async Task FormThatSlackWillNotOpen_IsExplainedThroughTheResponseUrl()
    {
        await using var h = await SlackHarness.StartAsync();
        h.Slack.FailNext("views.open", 1, FakeSlackApi.Error("expired_trigger_id"));

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare", trigger: "tr-late")).StatusCode);

        await TestTime.UntilAsync(() => !h.Slack.Responses.IsEmpty, "the person is told");
        var told = Assert.Single(h.Slack.Responses);
        Assert.Equal("ephemeral", told["response_type"]!.GetValue<string>());
        Assert.Contains("would not open the form", told["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static string Click(SlackHarness h, string actionId, string value, string trigger) =>
        WithResponseUrl(h, SlackHarness.Placeholders(SlackHarness.Fixture("interaction-block_actions.json"),
            ("ACTION_ID", actionId), ("VALUE", value), ("CHANNEL", "C0GENERAL"), ("TS", "1.2"), ("TRIGGER_ID", trigger)));

    /// <summary>Points the payload's response_url at the fake, so nothing leaves this machine.</summary>
    internal static string WithResponseUrl(SlackHarness h, string payload)
    {
        var node = SlackHarness.Parse(payload);
        node["response_url"] = h.Slack.ResponseUrl(Guid.NewGuid().ToString("N"));
        return node.ToJsonString();
    }

    /// <summary>Every work item with its state, for a failure's message: which one never ran, and why.</summary>
    private static async Task<string> QueueAsync(SlackHarness h) =>
        string.Join("; ", (await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty)).Select(i => $"{i.Topic} {i.Kind} {i.Status} attempts {i.Attempts} due {i.DueAt:HH:mm:ss} error {i.LastError}"));
}
