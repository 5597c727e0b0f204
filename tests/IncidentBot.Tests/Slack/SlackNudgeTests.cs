using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Reminders, quiet-incident nudges and role briefings on Slack, on the bot's fake clock.</summary>
public sealed class SlackNudgeTests : IAsyncLifetime
{
    private const string NudgeTopic = "timer.nudges";

    private SlackHarness _h = null!;

    private FakeSlackApi Slack => _h.Slack;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Commander_IsBriefed_ThenRemindedAloneAfterThirtyQuietMinutes_AnUpdateResetsTheClock_ResolvingStopsIt()
    {
        var channel = await DeclareAsync("SEV1 Checkout down");
        await _h.CommandAsync("role commander me", channel.Id);
        await _h.SettleAsync();

        var briefing = Assert.Single(Ephemerals(channel.Id));
        Assert.Equal("U2CERLKJA", briefing["user"]);
        Assert.Contains("You are now the commander of INC-1", briefing["text"]);
        Assert.Contains("`/incident update …`", briefing["text"]);

        await PassAsync(TimeSpan.FromMinutes(29));
        Assert.Empty(Reminders(channel.Id));
        await PassAsync(TimeSpan.FromMinutes(2));
        var reminder = Assert.Single(Reminders(channel.Id));
        Assert.Equal("U2CERLKJA", reminder["user"]);
        Assert.Contains("INC-1 (SEV1) has had no update for 31 min", reminder["text"]);
        var buttons = JsonNode.Parse(reminder["blocks"])!.AsArray()[1]!["elements"]!.AsArray();
        Assert.Equal(["snooze:update:15", "snooze:update:30", "snooze:update:60"], buttons.Select(b => b!["action_id"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal("1", b!["value"]!.GetValue<string>()));

        await _h.CommandAsync("update Rolling back the deploy", channel.Id);
        await _h.SettleAsync();
        await PassAsync(TimeSpan.FromMinutes(29));
        Assert.Single(Reminders(channel.Id));
        await PassAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(2, Reminders(channel.Id).Count);

        await _h.CommandAsync("resolve rolled back", channel.Id);
        await _h.SettleAsync();
        await PassAsync(TimeSpan.FromHours(30));
        Assert.Equal(2, Reminders(channel.Id).Count);
        Assert.DoesNotContain(Slack.CallsTo("chat.postMessage"), c => c["channel"] == channel.Id && c["text"].Contains("quiet", StringComparison.Ordinal));
        Assert.DoesNotContain(await StoreProbe.ItemsAsync(_h.Bot.Services, NudgeTopic), i => i.Status == WorkStatus.Pending);
    }

    [Fact]
    public async Task SnoozeButton_PutsTheReminderOffForItsLength()
    {
        var channel = await DeclareAsync("SEV2 Search slow");
        await _h.CommandAsync("role commander me", channel.Id, user: "U111");
        await _h.SettleAsync();
        await PassAsync(TimeSpan.FromMinutes(61));
        Assert.Single(Reminders(channel.Id));

        var click = SlackHarness.Placeholders(SlackHarness.Fixture("interaction-block_actions.json"),
            ("ACTION_ID", "snooze:update:180"), ("VALUE", "1"), ("CHANNEL", channel.Id), ("TS", "1.2"), ("TRIGGER_ID", "tr-snooze"));
        var node = SlackHarness.Parse(click);
        node["response_url"] = Slack.ResponseUrl("snooze");
        Assert.Equal(HttpStatusCode.OK, (await _h.InteractionAsync(node.ToJsonString())).StatusCode);
        await _h.SettleAsync();
        Assert.Contains(Slack.Responses, r => r["_response_url_id"]?.GetValue<string>() == "snooze"
            && r["text"]!.GetValue<string>().Contains("the update reminder of INC-1 comes back in 3 h", StringComparison.Ordinal));

        // Without the snooze the next reminder would come an hour after the first.
        await PassAsync(TimeSpan.FromMinutes(170));
        Assert.Single(Reminders(channel.Id));
        await PassAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(2, Reminders(channel.Id).Count);
    }

    [Fact]
    public async Task QuietIncident_IsNudgedInItsChannel_AndTheSnoozeCommandPutsItOff()
    {
        var channel = await DeclareAsync("Billing export late");
        await PassAsync(TimeSpan.FromHours(23));
        await _h.CommandAsync("note checked the cron", channel.Id);
        await _h.SettleAsync();

        await PassAsync(TimeSpan.FromHours(23));
        Assert.Empty(Nudges(channel.Id));
        await PassAsync(TimeSpan.FromHours(2));
        var nudge = Assert.Single(Nudges(channel.Id));
        Assert.Contains("INC-1 has been quiet for 25 h", nudge["text"]);
        Assert.Empty(Reminders(channel.Id)); // a SEV3 has no update reminder
        var buttons = JsonNode.Parse(nudge["blocks"])!.AsArray()[1]!["elements"]!.AsArray();
        Assert.Equal(["snooze:stale:240", "snooze:stale:1440"], buttons.Select(b => b!["action_id"]!.GetValue<string>()));

        var replied = Slack.Responses.Count;
        await _h.CommandAsync("snooze 2d stale", channel.Id, responseUrl: Slack.ResponseUrl("cmd"));
        await _h.SettleAsync();
        await TestTime.UntilAsync(() => Slack.Responses.Count > replied, "the snooze was confirmed");
        Assert.Contains("comes back in 2 days", Slack.Responses.Last()["text"]!.GetValue<string>());

        await PassAsync(TimeSpan.FromHours(47));
        Assert.Single(Nudges(channel.Id));
        await PassAsync(TimeSpan.FromHours(2));
        Assert.Equal(2, Nudges(channel.Id).Count);
    }

    [Fact]
    public async Task SnoozeCommand_OutsideAnIncident_OrWithABadLength_IsExplained()
    {
        var channel = await DeclareAsync("Queue stuck");
        await _h.CommandAsync("snooze forever", channel.Id, responseUrl: Slack.ResponseUrl("bad"));
        await _h.SettleAsync();
        await TestTime.UntilAsync(() => Slack.Responses.Any(r => r["_response_url_id"]?.GetValue<string>() == "bad"), "the bad length was explained");

        Assert.Contains("isn't a length", Slack.Responses.Single(r => r["_response_url_id"]?.GetValue<string>() == "bad")["text"]!.GetValue<string>());
    }

    private async Task<FakeChannel> DeclareAsync(string text)
    {
        await _h.CommandAsync($"declare {text}");
        await _h.SettleAsync();
        return Slack.Channels.Values.Single(c => c.Name.StartsWith("inc-", StringComparison.Ordinal));
    }

    /// <summary>Moves the clock on and lets the work that fell due run.</summary>
    private async Task PassAsync(TimeSpan span)
    {
        _h.Clock.Advance(span);
        await _h.SettleAsync();
    }

    private List<SlackCall> Ephemerals(string channel) => [.. Slack.CallsTo("chat.postEphemeral").Where(c => c["channel"] == channel)];

    private List<SlackCall> Reminders(string channel) => [.. Ephemerals(channel).Where(c => c["text"].Contains("has had no update", StringComparison.Ordinal))];

    private List<SlackCall> Nudges(string channel) =>
        [.. Slack.CallsTo("chat.postMessage").Where(c => c["channel"] == channel && c["text"].Contains("has been quiet", StringComparison.Ordinal))];
}
