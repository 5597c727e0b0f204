using System.Net;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Slack;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Processes;

/// <summary>Slack as the process tests use it: a bot process pointed at a <see cref="FakeSlackApi"/>, driven by signed requests.</summary>
public static class ProcessSlack
{
    public const string Title = "Checkout errors spike";

    /// <summary>The name the first incident's channel gets.</summary>
    public const string ChannelName = "inc-1-checkout-errors-spike";

    /// <summary>Who declares (the user of Slack's published slash-command example).</summary>
    public const string Declarer = "U2CERLKJA";

    /// <summary>Fast polling, so the tests wait for work, not for the poll interval.</summary>
    public const string PollInterval = "00:00:00.100";

    /// <summary>The settings of a bot process on <paramref name="storage"/> that talks to the fake Slack at <paramref name="apiBaseUrl"/>.</summary>
    public static Dictionary<string, string?> Settings(string apiBaseUrl, IReadOnlyDictionary<string, string?> storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var settings = SlackHarness.SlackSettings(apiBaseUrl);
        settings["Outbox:PollInterval"] = PollInterval;
        foreach (var (key, value) in storage)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary><c>/incident declare sev2 Checkout errors spike</c>, signed, to the bot process; it must be acked with 200.</summary>
    public static async Task DeclareAsync(this BotProcess bot, FakeSlackApi slack)
    {
        ArgumentNullException.ThrowIfNull(bot);
        using var request = SlackHarness.Signed("/slack/commands", SlackHarness.CommandBody(slack, $"declare sev2 {Title}", user: Declarer),
            "application/x-www-form-urlencoded", DateTimeOffset.UtcNow);
        using var ack = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
    }

    /// <summary><c>/incident update &lt;text&gt;</c> in the incident's channel, signed, to the bot process; it must be acked with 200.</summary>
    public static async Task UpdateAsync(this BotProcess bot, FakeSlackApi slack, string channel, string text)
    {
        ArgumentNullException.ThrowIfNull(bot);
        using var request = SlackHarness.Signed("/slack/commands", SlackHarness.CommandBody(slack, $"update {text}", channel, user: Declarer),
            "application/x-www-form-urlencoded", DateTimeOffset.UtcNow);
        using var ack = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
    }

    /// <summary>A status card, as posted or as Slack lists it: the message with the incident's buttons.</summary>
    public static bool IsCard(SlackCall call) => call?["blocks"].Contains("incident_actions", StringComparison.Ordinal) == true;

    /// <inheritdoc cref="IsCard(SlackCall)"/>
    public static bool IsCard(System.Text.Json.Nodes.JsonObject message) =>
        message?["blocks"]?.ToJsonString().Contains("incident_actions", StringComparison.Ordinal) == true;

    /// <summary>
    /// Waits (bounded) until Slack shows an update fully carried out: posted in the channel, threaded under the
    /// announcement, and the card refreshed after it.
    /// </summary>
    public static Task UpdatedAsync(this FakeSlackApi slack, FakeChannel channel)
    {
        ArgumentNullException.ThrowIfNull(slack);
        ArgumentNullException.ThrowIfNull(channel);
        return TestTime.UntilAsync(() =>
            slack.MessagesIn(channel.Id).Any(m => m["text"]!.GetValue<string>().StartsWith("Update from", StringComparison.Ordinal))
            && slack.MessagesIn(SlackHarness.Announcements).Any(m => m["thread_ts"] is not null)
            && slack.CallsTo("chat.update").Any(c => c["channel"] == channel.Id),
            "Slack to show the update in the channel, under the announcement and on the card", patience: BotProcess.Patience);
    }

    /// <summary>The incident channels Slack has (any bot's, any incident's).</summary>
    public static List<FakeChannel> IncidentChannels(this FakeSlackApi slack) =>
        [.. slack.Channels.Values.Where(c => c.Name.StartsWith("inc-", StringComparison.Ordinal))];

    /// <summary>
    /// Waits (bounded) until Slack shows every step of the declare done: the channel is ours (purpose marker) and
    /// bookmarked, the declarer is invited, the status card is posted and pinned and the topic set after it, and the
    /// announcement links the channel. Returns the channel.
    /// </summary>
    public static async Task<FakeChannel> DeclaredAsync(this FakeSlackApi slack)
    {
        ArgumentNullException.ThrowIfNull(slack);
        FakeChannel? done = null;
        await TestTime.UntilAsync(() =>
        {
            done = slack.IncidentChannels().FirstOrDefault(c =>
                c.Purpose.Contains("[IncidentBot INC-1]", StringComparison.Ordinal)
                && c.Members.Contains(Declarer)
                && c.Topic.Length > 0
                && !c.Pins.IsEmpty
                && c.Bookmarks.Count > 0
                && slack.CallsTo("chat.postMessage").Any(p => p["channel"] == SlackHarness.Announcements && p["text"].Contains($"<#{c.Id}>", StringComparison.Ordinal)));
            return done is not null;
        }, "Slack to show the declared incident's channel, status card, topic and announcement", patience: BotProcess.Patience);
        return done!;
    }

    /// <summary>Work items in any state, for a failure message or an assertion.</summary>
    public static async Task<List<WorkItem>> AllWorkAsync(this StorageAdapter store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new List<WorkItem>();
        foreach (var status in Enum.GetValues<WorkStatus>())
        {
            all.AddRange(await store.Queue.ListAsync(null, status, 1000, CancellationToken.None));
        }

        return [.. all.OrderBy(i => i.Id)];
    }
}
