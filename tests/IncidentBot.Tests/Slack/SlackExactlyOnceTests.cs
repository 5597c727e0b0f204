using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// Posts that may or may not have reached Slack (the answer hung, the connection reset, a 500 after Slack posted, a
/// 429) end as exactly one message each, in order, and the status card exists once: the bot reads the channel back
/// for its mark before posting again, and adopts what it finds.
/// </summary>
public sealed class SlackExactlyOnceTests
{
    public static TheoryData<string> Faults => ["hang", "reset", "500", "429"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task UpdatePostThatMayHaveFailed_ShowsOnce_InOrder(string fault)
    {
        await using var h = await StartAsync();
        var channel = await DeclareAsync(h);
        var update = Fault(h, fault, "chat.postMessage", c => c["channel"] == channel && c["text"].Contains("first", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("update first", channel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("update second", channel)).StatusCode);
        await DriveAsync(h, () => Updates(h, channel).Count == 2 && Posted(h, channel, "second"));

        Assert.True(update.Count > 0, "the fault was never served");
        Assert.Equal(["Update from roadrunner: first", "Update from roadrunner: second"], Updates(h, channel));
        Assert.Single(Cards(h, channel));
        // The announcement's thread: one line per update, in the order they were posted.
        var thread = h.Slack.MessagesIn(SlackHarness.Announcements).Where(m => m["thread_ts"] is not null).Select(m => Text(m)).ToList();
        Assert.Equal(2, thread.Count);
        Assert.Contains("first", thread[0], StringComparison.Ordinal);
        Assert.Contains("second", thread[1], StringComparison.Ordinal);
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task StatusCardPostThatMayHaveFailed_IsOneCard_PinnedAndKeptCurrent(string fault)
    {
        await using var h = await StartAsync();
        var card = Fault(h, fault, "chat.postMessage", IsCard);

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        var channel = await ChannelAsync(h);
        await DriveAsync(h, () => Cards(h, channel).Count > 0 && h.Slack.Channels[channel].Topic.Length > 0);
        Assert.True(card.Count > 0, "the fault was never served");

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("severity sev1", channel)).StatusCode);
        await DriveAsync(h, () => Cards(h, channel).Any(c => c.ToJsonString().Contains("SEV1", StringComparison.Ordinal)));

        var only = Assert.Single(Cards(h, channel));
        var ts = only["ts"]!.GetValue<string>();
        Assert.Equal([ts], h.Slack.Channels[channel].Pins);
        Assert.All(h.Slack.CallsTo("chat.update").Where(c => c["channel"] == channel), c => Assert.Equal(ts, c["ts"]));
        Assert.Contains(h.Slack.CallsTo("chat.update"), c => c["channel"] == channel);
        Assert.Single(h.Slack.MessagesIn(SlackHarness.Announcements), m => m["thread_ts"] is null);
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }

    [Fact]
    public async Task RateLimitedLookup_WaitsForSlack_NeverPostsAgain_AndHoldsUpNoOtherIncident()
    {
        await using var h = await StartAsync();
        h.Slack.FailAfterStoring("chat.postMessage", FakeSlackApi.ServerError, IsCard);
        h.Slack.FailWhen("conversations.history", FakeSlackApi.RateLimited(120), c => c["channel"] != SlackHarness.Announcements);

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        var first = await ChannelAsync(h);
        // Past the card's retry (seconds), well short of the lookup's Retry-After (two minutes).
        for (var i = 0; i < 4 && !h.Slack.CallsTo("conversations.history").Any(); i++)
        {
            await h.SettleAsync();
            h.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        await h.SettleAsync();
        Assert.Single(h.Slack.CallsTo("conversations.history"));
        var waiting = Assert.Single(await StoreProbe.ItemsAsync(h.Bot.Services, "outbox.slack", WorkStatus.Pending), i => i.Kind == "incident.card.refresh");
        Assert.True(waiting.HoldsKey);
        Assert.Equal(1, waiting.Attempts); // the failed post counted; the rate-limited lookup did not

        // Another incident goes ahead meanwhile: its channel, card and announcement.
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev3 Search is slow", channel: "C0OTHER")).StatusCode);
        await h.SettleAsync();
        var second = h.Slack.ChannelNamed("inc-2-search-is-slow")!.Id;
        Assert.Single(Cards(h, second));
        Assert.Contains(h.Slack.MessagesIn(SlackHarness.Announcements), m => Text(m).Contains("Search is slow", StringComparison.Ordinal));
        Assert.Single(h.Slack.CallsTo("conversations.history"));
        Assert.Equal(1, h.Slack.CallsTo("chat.postMessage").Count(c => c["channel"] == first && IsCard(c)));

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        await DriveAsync(h, () => h.Slack.Channels[first].Pins.Count == 1 && h.Slack.Channels[first].Topic.Length > 0);

        Assert.Equal(1, h.Slack.CallsTo("chat.postMessage").Count(c => c["channel"] == first && IsCard(c)));
        Assert.Equal([Assert.Single(Cards(h, first))["ts"]!.GetValue<string>()], h.Slack.Channels[first].Pins);
    }

    private static Task<SlackHarness> StartAsync() => SlackHarness.StartAsync(new Dictionary<string, string?>
    {
        // A hung answer is given up after a second, not ten.
        ["Outbound:AttemptTimeout"] = "00:00:01",
        ["Outbound:BaseDelay"] = "00:00:00.010",
    });

    /// <summary>Serves <paramref name="fault"/> to the first call to <paramref name="method"/> that matches; returns what counts it.</summary>
    private static SlackHold Fault(SlackHarness h, string fault, string method, Func<SlackCall, bool> when)
    {
        if (fault == "hang")
        {
            return h.Slack.Hold(method, when, done: true); // posted, and the answer never comes: the bot's call times out
        }

        Func<HttpContext, Task> failure = fault switch
        {
            "reset" => FakeSlackApi.Reset,
            "500" => FakeSlackApi.ServerError,
            _ => FakeSlackApi.RateLimited(30),
        };
        if (fault == "429")
        {
            h.Slack.FailWhen(method, failure, when);
        }
        else
        {
            h.Slack.FailAfterStoring(method, failure, when);
        }

        return h.Slack.Faults.Last();
    }

    private static async Task<string> DeclareAsync(SlackHarness h)
    {
        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        return await ChannelAsync(h);
    }

    private static async Task<string> ChannelAsync(SlackHarness h)
    {
        await h.SettleAsync();
        return Assert.Single((await h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
    }

    /// <summary>
    /// Runs the queue and lets time pass (retries, Retry-After) until <paramref name="done"/> and nothing is left to
    /// run, however late; gives up after an hour of fake time.
    /// </summary>
    private static async Task DriveAsync(SlackHarness h, Func<bool> done)
    {
        for (var round = 0; round < 120 && !(done() && await IdleAsync(h)); round++)
        {
            await h.SettleAsync();
            if (!(done() && await IdleAsync(h)))
            {
                h.Clock.Advance(TimeSpan.FromSeconds(30));
            }
        }

        Assert.True(done(), "Slack never showed the expected messages.");
        Assert.True(await IdleAsync(h), "Work was left in the queue.");
    }

    /// <summary>Nothing pending but the nudge checks, which wait as long as the incident is open.</summary>
    private static async Task<bool> IdleAsync(SlackHarness h) =>
        (await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Pending)).All(i => i.Topic == "timer.nudges");

    private static bool IsCard(SlackCall call) => call["blocks"].Contains("incident_actions", StringComparison.Ordinal);

    private static List<JsonObject> Cards(SlackHarness h, string channel) =>
        [.. h.Slack.MessagesIn(channel).Where(m => m["blocks"]?.ToJsonString().Contains("incident_actions", StringComparison.Ordinal) == true)];

    private static List<string> Updates(SlackHarness h, string channel) =>
        [.. h.Slack.MessagesIn(channel).Select(Text).Where(t => t.StartsWith("Update from", StringComparison.Ordinal))];

    private static bool Posted(SlackHarness h, string channel, string text) => Updates(h, channel).Any(t => t.Contains(text, StringComparison.Ordinal));

    private static string Text(JsonObject message) => message["text"]!.GetValue<string>();
}
