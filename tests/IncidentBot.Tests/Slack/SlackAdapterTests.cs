using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Storage;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Slack end to end: signed requests (Slack's published payloads) in, calls to a fake Slack Web API out.</summary>
public sealed class SlackAdapterTests : IAsyncLifetime
{
    private SlackHarness _h = null!;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private FakeSlackApi Slack => _h.Slack;

    private async Task<(FakeChannel Channel, int Number)> DeclareAsync(string text = "declare sev2 Checkout errors spike")
    {
        var before = Slack.Responses.Count;
        var ack = await _h.CommandAsync(text);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        await _h.SettleAsync();
        var reply = Slack.Responses.Skip(before).Last();
        var number = int.Parse(reply["text"]!.GetValue<string>().Split(' ')[0]["INC-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var incident = await _h.IncidentAsync(number);
        var channelId = Assert.Single(incident.Channels, c => c.Platform == "slack").ChannelId;
        return (Slack.Channels[channelId], number);
    }

    [Fact]
    public async Task Declare_WithText_AcksAtOnce_ThenMakesChannelInvitesPostsPinsAndAnnounces()
    {
        var ack = await _h.CommandAsync("declare sev2 Checkout errors spike");

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(string.Empty, await ack.Content.ReadAsStringAsync());
        Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));

        await _h.SettleAsync();

        var reply = Assert.Single(Slack.Responses);
        Assert.Equal("in_channel", reply["response_type"]!.GetValue<string>());
        Assert.StartsWith("INC-1 declared (SEV2): Checkout errors spike", reply["text"]!.GetValue<string>());

        var create = Assert.Single(Slack.CallsTo("conversations.create"));
        Assert.Equal(("inc-1-checkout-errors-spike", "false"), (create["name"], create["is_private"]));
        Assert.Equal("Bearer xoxb-test-token", create.Authorization);
        var channel = Slack.ChannelNamed("inc-1-checkout-errors-spike")!;
        Assert.Contains("[IncidentBot INC-1]", channel.Purpose);
        Assert.Contains("U2CERLKJA", channel.Members);
        Assert.Equal("SEV2 · investigating · no commander yet", channel.Topic);

        var card = Slack.CallsTo("chat.postMessage").Single(c => c["channel"] == channel.Id);
        var blocks = card.Json("blocks")!.AsArray();
        Assert.Equal("INC-1 · Checkout errors spike", blocks[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains(channel.Pins, ts => ts.Length > 0);
        var bookmark = Assert.Single(Slack.CallsTo("bookmarks.add"));
        Assert.Equal("https://incidents.example.test/incidents/1", bookmark["link"]);

        var announcement = Slack.CallsTo("chat.postMessage").Single(c => c["channel"] == SlackHarness.Announcements);
        Assert.Contains("INC-1 Checkout errors spike", announcement["text"]);
        Assert.Contains($"<#{channel.Id}>", announcement["text"]);
    }

    [Fact]
    public async Task Declare_PostsTheCard_WhileTheInviteIsStillInFlight_AndLaterPostsFollowTheCard()
    {
        // The invite and the card both need the channel, not each other: Slack holding the invite must not hold the card.
        var invite = Slack.Hold("conversations.invite");
        await _h.CommandAsync("declare sev2 Checkout errors spike");
        await invite.Arrived.WaitAsync(TimeSpan.FromSeconds(15));
        var channel = Slack.ChannelNamed("inc-1-checkout-errors-spike")!;
        await TestTime.UntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c["channel"] == channel.Id), "the card posted");
        Assert.False(invite.Abandoned.IsCompleted, "the card waited until the bot gave up on the invite");

        // A later post in the channel still comes after the card, whatever the invite does meanwhile.
        await _h.CommandAsync("update rolling back the deploy", channel.Id);
        await TestTime.UntilAsync(() => Slack.CallsTo("chat.postMessage").Count(c => c["channel"] == channel.Id) == 2, "the update posted");
        Assert.False(invite.Abandoned.IsCompleted, "the update waited until the bot gave up on the invite");
        invite.Release();
        await _h.SettleAsync();

        var posts = Slack.CallsTo("chat.postMessage").Where(c => c["channel"] == channel.Id).ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal("INC-1 · Checkout errors spike", posts[0].Json("blocks")!.AsArray()[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains("rolling back the deploy", posts[1]["text"], StringComparison.Ordinal);
        Assert.Contains("U2CERLKJA", channel.Members);
        Assert.Single(Slack.CallsTo("conversations.invite"));
    }

    [Fact]
    public async Task Declare_WithoutText_OpensTheForm_AndItsSubmissionDeclares()
    {
        var ack = await _h.CommandAsync("declare", trigger: "trigger-123");

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(string.Empty, await ack.Content.ReadAsStringAsync());
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 0, "the form opened after the ack");
        var open = Assert.Single(Slack.CallsTo("views.open"));
        Assert.Equal("trigger-123", open["trigger_id"]);
        var view = open.Json("view")!;
        Assert.Equal("declare_incident", view["callback_id"]!.GetValue<string>());
        Assert.Equal("C0GENERAL", view["private_metadata"]!.GetValue<string>());
        Assert.Empty(Slack.CallsTo("conversations.create"));

        var submission = ViewSubmission("declare_incident", "C0GENERAL", new JsonObject
        {
            ["title"] = Text("Search is slow <!channel>"),
            ["severity"] = Selected("SEV1"),
            ["description"] = Text("p95 at 4 s"),
            ["service"] = Text("search"),
            ["private"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "checkboxes", ["selected_options"] = new JsonArray(new JsonObject { ["value"] = "private" }) } },
        });
        var submitted = await _h.InteractionAsync(submission);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        Assert.Equal(("Search is slow <!channel>", "SEV1", "search", true), (incident.Summary.Title, incident.Summary.Severity, incident.Summary.Service, incident.Summary.IsPrivate));
        Assert.Equal("true", Assert.Single(Slack.CallsTo("conversations.create"))["is_private"]);
        var ephemeral = Assert.Single(Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(("C0GENERAL", "W111"), (ephemeral["channel"], ephemeral["user"]));
        Assert.Contains("&lt;!channel&gt;", ephemeral["text"]);
        Assert.DoesNotContain("<!channel>", ephemeral["text"]);

        // A private incident is announced without its title.
        var announcement = Slack.CallsTo("chat.postMessage").Single(c => c["channel"] == SlackHarness.Announcements);
        Assert.Contains("INC-1 (private)", announcement["text"]);
        Assert.DoesNotContain("Search", announcement["text"]);
    }

    [Fact]
    public async Task DeclareForm_WithoutTitle_AnswersWithInlineErrors_AndStoresNothing()
    {
        var submission = ViewSubmission("declare_incident", "C0GENERAL", new JsonObject { ["title"] = Text("  "), ["severity"] = Selected("SEV2") });

        var response = await _h.InteractionAsync(submission);

        var body = SlackHarness.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("errors", body["response_action"]!.GetValue<string>());
        Assert.NotNull(body["errors"]!["title"]);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
    }

    [Fact]
    public async Task ChannelNameTakenByAnotherChannel_GetsASuffix()
    {
        Slack.AddChannel("inc-1-checkout-errors-spike", purpose: "someone else's channel");

        var (channel, _) = await DeclareAsync();

        Assert.Equal("inc-1-checkout-errors-spike-2", channel.Name);
        Assert.Equal(["inc-1-checkout-errors-spike", "inc-1-checkout-errors-spike-2"], Slack.CallsTo("conversations.create").Select(c => c["name"]));
    }

    [Fact]
    public async Task CrashBetweenCreatingTheChannelAndStoringIt_ReplayAdoptsTheSameChannel()
    {
        // Slack makes the channel but the answer never arrives (as if the process died right after the call).
        Slack.FailNext("conversations.create", 1, async http =>
        {
            var form = await http.Request.ReadFormAsync();
            Slack.AddChannel(form["name"].ToString());
            http.Abort();
        });

        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await _h.SettleAsync();

        // The create may have reached Slack, so the HTTP client does not send it again; the queue replays the intent.
        Assert.Single(Slack.CallsTo("conversations.create"));
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        await _h.SettleAsync();

        var channelId = Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        var channel = Slack.Channels[channelId];
        Assert.Equal("inc-1-checkout-errors-spike", channel.Name);
        Assert.Single(Slack.Channels.Values, c => c.Name.StartsWith("inc-1-", StringComparison.Ordinal));
        Assert.Contains("[IncidentBot INC-1]", channel.Purpose);
    }

    [Fact]
    public async Task UserText_ReachesSlackEscaped_InEveryCall()
    {
        const string Hostile = "<!here|here> <!everyone> <@U0EVIL> <https://evil.example|click>";
        var (channel, number) = await DeclareAsync($"declare sev2 Checkout {Hostile}");
        await _h.CommandAsync($"update still down {Hostile}", channel.Id);
        await _h.CommandAsync($"resolve rolled back {Hostile}", channel.Id);
        await _h.SettleAsync();

        // Slack's markup becomes what people read ("here", "@everyone", "@name") before the core sees it.
        Assert.Contains("Checkout here @everyone @", channel.Purpose);
        string[] controls = ["<!here", "<!everyone", "<@U0EVIL>", "<https://evil"];
        var leaks = Slack.Calls
            .SelectMany(call => call.Form.SelectMany(field => TextsIn(field.Value)).Select(text => (call.Method, Field: text)))
            .Where(t => controls.Any(c => t.Field.Contains(c, StringComparison.Ordinal)))
            .ToList();
        Assert.True(leaks.Count == 0, $"INC-{number}: unescaped user text sent in {string.Join("; ", leaks.Select(l => $"{l.Method}: {l.Field}"))}");

        // A form field's value is a JSON document (blocks, views); look at the strings inside it, not its encoding.
        static IEnumerable<string> TextsIn(string value)
        {
            JsonNode? json = null;
            if (value.StartsWith('{') || value.StartsWith('['))
            {
                try
                {
                    json = JsonNode.Parse(value);
                }
                catch (System.Text.Json.JsonException)
                {
                }
            }

            return json is null ? [value] : Leaves(json);
        }

        // Slack renders a plain_text object as typed (emoji aside): no mention or link in it is ever parsed.
        static IEnumerable<string> Leaves(JsonNode node) => node switch
        {
            JsonObject o when (string?)o["type"] == "plain_text" => [],
            JsonObject o => o.SelectMany(p => p.Value is null ? [] : Leaves(p.Value)),
            JsonArray a => a.SelectMany(n => n is null ? [] : Leaves(n)),
            JsonValue v when v.TryGetValue<string>(out var text) => [text],
            _ => [],
        };
    }

    [Fact]
    public async Task Role_Status_Severity_FromTheIncidentChannel_UpdateCardTopicAndAnnouncement()
    {
        var (channel, _) = await DeclareAsync();
        var card = Slack.CallsTo("chat.postMessage").Single(c => c["channel"] == channel.Id);

        await _h.CommandAsync("role commander <@U024BE7LH|dana>", channel.Id);
        await _h.CommandAsync("status identified bad deploy 1432", channel.Id);
        await _h.CommandAsync("severity SEV1", channel.Id);
        await _h.SettleAsync();

        Assert.Contains(Slack.Responses, r => r["text"]!.GetValue<string>() == "dana is now commander of INC-1.");
        Assert.Contains(Slack.Responses, r => r["text"]!.GetValue<string>() == "INC-1 is now identified: bad deploy 1432");
        Assert.Contains("U024BE7LH", channel.Members);
        Assert.Equal("SEV1 · identified · commander: dana", channel.Topic);
        var updates = Slack.CallsTo("chat.update").Where(c => c["channel"] == channel.Id).ToList();
        Assert.Equal(3, updates.Count);
        var fields = updates[^1].Json("blocks")!.AsArray()[1]!["fields"]!.AsArray().Select(f => f!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(["*Severity*\nSEV1", "*Status*\nidentified", "*Commander*\n<@U024BE7LH>"], fields.Take(3));

        var announcementTs = Slack.CallsTo("chat.postMessage").Single(c => c["channel"] == SlackHarness.Announcements && c["thread_ts"].Length == 0);
        Assert.Contains(Slack.CallsTo("chat.update"), c => c["channel"] == SlackHarness.Announcements);
        Assert.Contains(Slack.CallsTo("chat.postMessage"), c => c["channel"] == SlackHarness.Announcements && c["thread_ts"].Length > 0 && c["text"].Contains("is now SEV1", StringComparison.Ordinal));
        _ = announcementTs;
    }

    [Fact]
    public async Task AnnouncementsSentLate_SayTheStateOfTheirChange()
    {
        var (channel, _) = await DeclareAsync();

        // Slack is slow: the first change's announcement (its headline's update) is still in flight when the second
        // change commits, so its thread line is sent after the incident already is SEV4.
        var slow = Slack.Hold("chat.update", c => c["channel"] == SlackHarness.Announcements);
        var replies = Slack.Responses.Count;
        await _h.CommandAsync("severity sev3", channel.Id);
        await slow.Arrived.WaitAsync(TimeSpan.FromSeconds(15));
        await _h.CommandAsync("severity sev4", channel.Id);
        await TestTime.UntilAsync(() => Slack.Responses.Count >= replies + 2, "both changes answered");
        slow.Release();
        await _h.SettleAsync();

        var thread = Slack.CallsTo("chat.postMessage").Where(c => c["channel"] == SlackHarness.Announcements && c["thread_ts"].Length > 0).Select(c => c["text"]).ToList();
        Assert.Equal(2, thread.Count);
        Assert.EndsWith("is now SEV3", thread[0]);
        Assert.EndsWith("is now SEV4", thread[1]);
    }

    [Fact]
    public async Task Update_ShowsOnceInTheIncidentChannel()
    {
        var (channel, _) = await DeclareAsync();

        await _h.CommandAsync("update rolling back the deploy", channel.Id);
        await _h.SettleAsync();

        var posts = Slack.CallsTo("chat.postMessage").Count(c => c["channel"] == channel.Id && c["text"].Contains("rolling back the deploy", StringComparison.Ordinal));
        var publicReplies = Slack.Responses.Count(r => (string?)r["response_type"] == "in_channel" && r["text"]!.GetValue<string>().Contains("rolling back the deploy", StringComparison.Ordinal));
        Assert.Equal((1, 0), (posts, publicReplies));
    }

    [Fact]
    public async Task CommandNamingItsIncident_WorksFromAnyChannel_AndUnknownUsageGetsHelp()
    {
        await DeclareAsync();

        await _h.CommandAsync("INC-1 note customer tickets spiking", "C0ELSEWHERE");
        await _h.CommandAsync("note no incident named", "C0ELSEWHERE");
        await _h.CommandAsync("frobnicate", "C0ELSEWHERE");
        await _h.SettleAsync();

        var texts = Slack.Responses.Select(r => (Type: r["response_type"]!.GetValue<string>(), Text: r["text"]!.GetValue<string>())).ToList();
        Assert.Contains(texts, t => t.Type == "ephemeral" && t.Text.StartsWith("Added to INC-1's timeline as #", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Type == "ephemeral" && t.Text.Contains("/incident INC-", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Type == "ephemeral" && t.Text.Contains("Unknown command 'frobnicate'. `/incident help` lists the commands.", StringComparison.Ordinal));
        Assert.Contains((await _h.IncidentAsync(1)).Timeline, e => e.Text == "customer tickets spiking");
    }

    [Fact]
    public async Task PushpinReaction_CapturesTheMessageOnce_EvenWhenSlackRetriesOrSomeoneReactsAgain()
    {
        var (channel, _) = await DeclareAsync();
        Slack.AddMessage(channel.Id, "1763370999.000200", "U0AUTHOR", "db primary failed over at 14:02 &amp; replicas lag");
        string Reaction(string eventId) => SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel.Id), ("TS", "1763370999.000200"), ("EVENT_ID", eventId), ("REACTION", "pushpin"));

        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(Reaction("Ev01"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(Reaction("Ev01"), retry: 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(Reaction("Ev02"))).StatusCode);
        await _h.SettleAsync();

        var captured = (await _h.IncidentAsync(1)).Timeline.Where(e => e.Kind == TimelineKind.Captured).ToList();
        var entry = Assert.Single(captured);
        Assert.Equal("db primary failed over at 14:02 & replicas lag", entry.Text);
        Assert.Equal(("slack:U0AUTHOR", "u0author-display"), (entry.Author.Key, entry.Author.Name));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763370999).UtcDateTime, entry.OccurredAt, TimeSpan.FromSeconds(1));
        Assert.Equal($"https://fake.slack.test/archives/{channel.Id}/p1763370999000200", entry.Link);
        Assert.Equal(2, (await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox.")).Count(m => m.Kind == "event"));
    }

    [Fact]
    public async Task Reactions_OnDifferentMessages_AreNotHeldBehindEachOther_WhileOneMessagesEventsKeepTheirOrder()
    {
        var (channel, _) = await DeclareAsync();
        Slack.AddMessage(channel.Id, "1763370999.000200", "U0AUTHOR", "failover started");
        Slack.AddMessage(channel.Id, "1763370999.000300", "U0AUTHOR", "replicas caught up");

        // In a busy incident people react to many messages at once; Slack slow to answer about one of them must not
        // hold the others back. Events about the one message still wait for each other.
        var held = Slack.Hold("chat.getPermalink", c => c["message_ts"] == "1763370999.000200");
        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvA1", "pushpin"));
        await held.Arrived.WaitAsync(TimeSpan.FromSeconds(15));
        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvA2", "pushpin"));
        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000300", "EvB1", "pushpin"));

        await TestTime.UntilAsync(async () => (await _h.IncidentAsync(1)).Timeline.Any(e => e.Text == "replicas caught up"), "the other message captured");
        Assert.DoesNotContain((await _h.IncidentAsync(1)).Timeline, e => e.Text == "failover started");
        Assert.Single(Slack.CallsTo("chat.getPermalink"), c => c["message_ts"] == "1763370999.000200"); // the second event on it waits

        held.Release();
        await _h.SettleAsync();
        Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Text == "failover started");
        Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Text == "replicas caught up");
    }

    [Fact]
    public async Task OtherReactions_AndReactionsOutsideIncidentChannels_CaptureNothing()
    {
        var (channel, _) = await DeclareAsync();
        Slack.AddMessage("C0RANDOM", "1763370999.000300", "U0AUTHOR", "lunch?");
        Slack.AddMessage(channel.Id, "1763370999.000400", "U0AUTHOR", "nice");

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"), ("CHANNEL", "C0RANDOM"), ("TS", "1763370999.000300"), ("EVENT_ID", "Ev10"), ("REACTION", "pushpin")));
        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"), ("CHANNEL", channel.Id), ("TS", "1763370999.000400"), ("EVENT_ID", "Ev11"), ("REACTION", "tada")));
        await _h.SettleAsync();

        Assert.DoesNotContain((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
    }

    private static string ReactionEvent(string fixture, string channel, string ts, string eventId, string emoji) =>
        SlackHarness.Placeholders(SlackHarness.Fixture(fixture), ("CHANNEL", channel), ("TS", ts), ("EVENT_ID", eventId), ("REACTION", emoji));

    /// <summary>
    /// The published reaction events come from U123ABC456; here that person is in the incident's channel. Waits until
    /// the bot knows it: a reaction is ordered with its message, not behind the channel's joins, so one sent at once
    /// could be applied first and refused (only members mark key moments).
    /// </summary>
    private static async Task ReactorJoinsAsync(SlackHarness h, string channel)
    {
        Assert.Equal(HttpStatusCode.OK, (await h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-member_joined_channel.json"),
            ("USER", "U123ABC456"), ("CHANNEL", channel), ("EVENT_ID", "EvJoinReactor")))).StatusCode);
        await TestTime.UntilAsync(async () => (await h.IncidentAsync(1)).Members.Any(m => m.Key == "slack:U123ABC456"), "the reactor is a member");
    }

    /// <summary>
    /// A capture and its mark are two changes, and a background loop may hold the delivery when the harness settles:
    /// waits until the timeline shows what the test expects of it.
    /// </summary>
    private static Task TimelineShowsAsync(SlackHarness h, Func<IReadOnlyList<TimelineEntryView>, bool> expected, string what) =>
        TestTime.UntilAsync(async () => expected((await h.IncidentAsync(1)).Timeline), what);

    [Fact]
    public async Task StarReaction_CapturesAndMarksAKeyMoment_AndTakingTheStarAwayUnmarksIt()
    {
        var (channel, _) = await DeclareAsync();
        await ReactorJoinsAsync(_h, channel.Id);
        Slack.AddMessage(channel.Id, "1763370999.000200", "U0AUTHOR", "db primary failed over at 14:02");

        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvStar1", "star"))).StatusCode);
        await _h.SettleAsync();
        await TimelineShowsAsync(_h, t => t.Any(e => e.Kind == TimelineKind.Captured && e.Key == true), "the starred message is a key moment");
        var marked = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("db primary failed over at 14:02", "slack:U0AUTHOR", true), (marked.Text, marked.Author.Key, marked.Key));

        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(ReactionEvent("event-reaction_removed.json", channel.Id, "1763370999.000200", "EvStar2", "star"))).StatusCode);
        await _h.SettleAsync();
        await TimelineShowsAsync(_h, t => t.Any(e => e.Kind == TimelineKind.Captured && e.Key == false), "the unstarred message is no key moment");
        var unmarked = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal((marked.Id, false), (unmarked.Id, unmarked.Key));
        Assert.Empty(Slack.CallsTo("chat.postEphemeral"));
    }

    [Fact]
    public async Task OtherReactions_LeaveKeyMomentsAlone_AndThePushpinStillOnlyCaptures()
    {
        var (channel, _) = await DeclareAsync();
        await ReactorJoinsAsync(_h, channel.Id);
        Slack.AddMessage(channel.Id, "1763370999.000200", "U0AUTHOR", "rollback started");
        Slack.AddMessage(channel.Id, "1763370999.000300", "U0AUTHOR", "error rate back to normal");

        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvPin1", "pushpin"));
        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000300", "EvStar1", "star"));
        await _h.EventAsync(ReactionEvent("event-reaction_removed.json", channel.Id, "1763370999.000300", "EvPinOff", "pushpin"));
        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvTada", "tada"));
        await _h.EventAsync(ReactionEvent("event-reaction_removed.json", channel.Id, "1763370999.000300", "EvTadaOff", "tada"));
        await _h.SettleAsync();
        await TimelineShowsAsync(_h, t => t.Any(e => e.Text == "error rate back to normal" && e.Key == true), "the starred message is a key moment");

        var captured = (await _h.IncidentAsync(1)).Timeline.Where(e => e.Kind == TimelineKind.Captured).ToDictionary(e => e.Text, e => e.Key);
        Assert.Equal(new Dictionary<string, bool?> { ["rollback started"] = false, ["error rate back to normal"] = true }, captured);
    }

    [Fact]
    public async Task KeyMomentEmoji_IsTheConfiguredOne_AndTheStarThenMeansNothing()
    {
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Slack:KeyMomentEmoji"] = "dart" });
        await h.CommandAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();
        var channel = Assert.Single((await h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        await ReactorJoinsAsync(h, channel);
        h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR", "rollback started");
        h.Slack.AddMessage(channel, "1763370999.000300", "U0AUTHOR", "error rate back to normal");

        await h.EventAsync(ReactionEvent("event-reaction_added.json", channel, "1763370999.000200", "EvStar", "star"));
        await h.EventAsync(ReactionEvent("event-reaction_added.json", channel, "1763370999.000300", "EvDart", "dart"));
        await h.SettleAsync();
        await TimelineShowsAsync(h, t => t.Any(e => e.Kind == TimelineKind.Captured && e.Key == true), "the message with the configured reaction is a key moment");

        var entry = Assert.Single((await h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("error rate back to normal", true), (entry.Text, entry.Key));
    }

    [Fact]
    public async Task StarFromSomeoneOutsideTheIncident_IsExplainedToThem_AndMarksNothing()
    {
        var (channel, _) = await DeclareAsync();
        Slack.AddMessage(channel.Id, "1763370999.000200", "U0AUTHOR", "rollback started");

        await _h.EventAsync(ReactionEvent("event-reaction_added.json", channel.Id, "1763370999.000200", "EvStar", "star"));
        await _h.SettleAsync();
        await TestTime.UntilAsync(() => Slack.CallsTo("chat.postEphemeral").Count > 0, "the reactor was told");

        Assert.DoesNotContain((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured && e.Key == true);
        var told = Assert.Single(Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(("U123ABC456", channel.Id), (told["user"], told["channel"]));
        Assert.Contains("key moments", told["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_CapturesTheMessage()
    {
        var (channel, _) = await DeclareAsync();

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-pin_added.json"),
            ("CHANNEL", channel.Id), ("TS", "1763371000.000500"), ("EVENT_ID", "EvPin"), ("TEXT", "rollback complete")));
        await _h.SettleAsync();

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal(("rollback complete", "slack:U2U85N1RZ"), (entry.Text, entry.Author.Key));
    }

    [Fact]
    public async Task RoleGivenWithABareMention_NamesThePerson()
    {
        var (channel, _) = await DeclareAsync();

        await _h.CommandAsync("role communications <@U0ZED>", channel.Id);
        await _h.SettleAsync();

        Assert.Contains(Slack.Responses, r => r["text"]!.GetValue<string>() == "u0zed-display is now communications of INC-1.");
        var holder = Assert.Single((await _h.IncidentAsync(1)).Roles, r => r.Role == "communications").Holder;
        Assert.Equal(("slack:U0ZED", "u0zed-display"), (holder.Key, holder.Name));
    }

    [Fact]
    public async Task ResponseUrls_AreNeverLogged_EvenWithHttpClientLoggingTurnedUp()
    {
        var logs = new CapturedLogs();
        await using var h = await SlackHarness.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:System.Net.Http"] = "Information" },
            services: logs.AddTo);

        await h.CommandAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();

        Assert.NotEmpty(h.Slack.Responses);
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("System.Net.Http", StringComparison.Ordinal)); // the level took effect
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("/respond/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CapturedMessage_NamesThePeopleAndChannelsItMentions()
    {
        var (channel, _) = await DeclareAsync();

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-pin_added.json"),
            ("CHANNEL", channel.Id), ("TS", "1763371000.000600"), ("EVENT_ID", "EvPinMention"),
            ("TEXT", "<@U0BOB> rolled back, see <#C0OPS|ops> and <@U0BOB> &amp; <@U0ZED|zed> agree")));
        await _h.SettleAsync();

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == TimelineKind.Captured);
        Assert.Equal("@u0bob-display rolled back, see #ops and @u0bob-display & @zed agree", entry.Text);
        Assert.Single(Slack.CallsTo("users.info"), c => c["user"] == "U0BOB"); // looked up once
    }

    [Fact]
    public async Task MessageShortcut_InTheIncidentChannel_Captures_AndElsewhere_AsksWhichIncident()
    {
        var (channel, _) = await DeclareAsync();
        string Shortcut(string ch, string ts, string trigger) => SlackHarness.Placeholders(SlackHarness.Fixture("interaction-message_action.json"),
            ("CALLBACK_ID", "add_to_timeline"), ("CHANNEL", ch), ("TS", ts), ("TEXT", $"message {ts}"), ("TRIGGER_ID", trigger));

        await _h.InteractionAsync(Shortcut(channel.Id, "1763371001.000600", "tr-1"));
        await _h.InteractionAsync(Shortcut("C0OPS", "1763371002.000700", "tr-2"));
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 0, "the form opened after the ack");
        var open = Assert.Single(Slack.CallsTo("views.open"), c => c["trigger_id"] == "tr-2");
        var metadata = open.Json("view")!["private_metadata"]!.GetValue<string>();
        Assert.Equal("add_to_timeline", open.Json("view")!["callback_id"]!.GetValue<string>());
        await _h.InteractionAsync(ViewSubmission("add_to_timeline", metadata, new JsonObject { ["incident"] = Selected("1") }, viewId: "VCAPTURE"));
        await _h.SettleAsync();

        var captured = (await _h.IncidentAsync(1)).Timeline.Where(e => e.Kind == TimelineKind.Captured).Select(e => e.Text).ToList();
        Assert.Equal(["message 1763371001.000600", "message 1763371002.000700"], captured);
        _ = channel;
    }

    [Fact]
    public async Task Resolve_WithSummary_PostsSummaryUpdatesCardAndAnnouncement_WithoutSummary_AsksForOne()
    {
        var (channel, _) = await DeclareAsync();

        await _h.CommandAsync("resolve", channel.Id, trigger: "tr-resolve");
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 0, "the form opened after the ack");
        var form = Assert.Single(Slack.CallsTo("views.open"), c => c["trigger_id"] == "tr-resolve");
        Assert.Equal("resolve_incident", form.Json("view")!["callback_id"]!.GetValue<string>());
        Assert.Equal(IncidentStatus.Investigating, (await _h.IncidentAsync(1)).Summary.Status);

        // The form comes back from W111, the scribe: resolving takes the declarer, a role holder or a facilitator.
        await _h.SendAsync(new IncidentBot.Core.Features.Roles.AssignRole(IncidentBot.Core.Domain.Actor.Console("facilitator"), 1, "scribe", "slack:W111"));
        await _h.InteractionAsync(ViewSubmission("resolve_incident", "1", new JsonObject { ["summary"] = Text("rolled back deploy 1432") }, viewId: "VRESOLVE"));
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        Assert.Equal((IncidentStatus.Resolved, "rolled back deploy 1432"), (incident.Summary.Status, incident.ResolutionSummary));
        Assert.Contains(Slack.CallsTo("chat.postMessage"), c => c["channel"] == channel.Id && c["text"].StartsWith("INC-1 resolved after", StringComparison.Ordinal));
        var lastCard = Slack.CallsTo("chat.update").Last(c => c["channel"] == channel.Id);
        Assert.Contains("\"action_id\":\"reopen\"", lastCard["blocks"]);
        Assert.Contains(Slack.CallsTo("chat.postMessage"), c => c["channel"] == SlackHarness.Announcements && c["text"].StartsWith("Resolved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusCardButtons_ChangeTheIncident()
    {
        var (channel, _) = await DeclareAsync();
        string Click(string actionId, string value, string trigger) => SlackHarness.Placeholders(SlackHarness.Fixture("interaction-block_actions.json"),
            ("ACTION_ID", actionId), ("VALUE", value), ("CHANNEL", channel.Id), ("TS", "1.2"), ("TRIGGER_ID", trigger));

        await _h.InteractionAsync(Click("take_lead", "1", "tr-a"));
        await _h.SettleAsync();

        var incident = await _h.IncidentAsync(1);
        Assert.Equal("slack:U111", incident.Summary.Lead?.Key);
    }

    [Fact]
    public async Task MemberJoiningAPrivateIncidentsChannel_CanSeeIt()
    {
        await _h.SendAsync(new DeclareIncident(new Actor("slack:U0OWNER", "owner", "T1"), "Secret", IsPrivate: true));
        await _h.SettleAsync();
        var channel = Slack.Channels.Values.Single(c => c.Name.StartsWith("inc-1", StringComparison.Ordinal));
        var bob = new Actor("slack:U0BOB", "bob", "T1");
        await Assert.ThrowsAsync<IncidentNotFoundException>(() => _h.SendAsync(new GetIncident(bob, 1)));

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-member_joined_channel.json"), ("CHANNEL", channel.Id), ("USER", "U0BOB"), ("EVENT_ID", "EvJoin")));
        await _h.SettleAsync();

        Assert.Equal("Secret", (await _h.SendAsync(new GetIncident(bob, 1))).Summary.Title);
    }

    [Fact]
    public async Task RateLimitStorm_DelaysPostsButLosesNone_AndKeepsTheirOrder()
    {
        var (channel, _) = await DeclareAsync();
        Slack.FailNext("chat.postMessage", 6, FakeSlackApi.RateLimited(30));

        await _h.CommandAsync("update rolling back", channel.Id);
        await _h.CommandAsync("update rollback done", channel.Id);
        await _h.SettleAsync();

        // Nothing is lost or given up: the rate-limited head waits for its Retry-After, the rest wait behind it.
        var pending = await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.", WorkStatus.Pending);
        Assert.NotEmpty(pending);
        Assert.Contains(pending, o => o.DueAt > _h.Clock.GetUtcNow().UtcDateTime && o.LastError!.Contains("rate limited", StringComparison.Ordinal));
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.", WorkStatus.Parked));

        for (var i = 0; i < 8; i++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(31));
            await _h.SettleAsync();
        }

        var posts = Slack.CallsTo("chat.postMessage").Where(c => c["channel"] == channel.Id && c["text"].StartsWith("Update from", StringComparison.Ordinal)).Select(c => c["text"]).ToList();
        Assert.Equal(["Update from roadrunner: rolling back", "Update from roadrunner: rollback done"], posts.Distinct());
        Assert.Equal(0, (await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.")).Count(o => o.Status != WorkStatus.Done));
    }

    [Fact]
    public async Task UrlVerification_EchoesTheChallenge()
    {
        var response = await _h.EventAsync(SlackHarness.Fixture("event-url_verification.json"));

        var body = SlackHarness.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(SlackHarness.Parse(SlackHarness.Fixture("event-url_verification.json"))["challenge"]!.GetValue<string>(), body["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadSignature_StaleTimestamp_AndMalformedBodies_AreRefused_AndStoreNothing()
    {
        var command = "token=x&team_id=T1&user_id=U1&channel_id=C1&text=declare+sev1+x&trigger_id=t&response_url=https%3A%2F%2Fx";

        var wrongSecret = await _h.PostSignedAsync("/slack/commands", command, "application/x-www-form-urlencoded", secret: "not-the-secret");
        var stale = await _h.PostSignedAsync("/slack/commands", command, "application/x-www-form-urlencoded", at: _h.Clock.GetUtcNow().AddSeconds(-301));
        var unsigned = await _h.Client.PostAsync(new Uri("/slack/commands", UriKind.Relative), new StringContent(command));
        var notJson = await _h.PostSignedAsync("/slack/events", "{not json", "application/json");
        var noPayload = await _h.PostSignedAsync("/slack/interactions", "nothing=here", "application/x-www-form-urlencoded");
        var noFields = await _h.PostSignedAsync("/slack/commands", "text=declare", "application/x-www-form-urlencoded");
        var noEventId = await _h.EventAsync("""{"type":"event_callback","event":{"type":"reaction_added"}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noPayload.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noFields.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noEventId.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }

    [Fact]
    public async Task SslCheck_IsAnswered()
    {
        var response = await _h.PostSignedAsync("/slack/commands", "ssl_check=1&token=x", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static JsonObject Text(string value) => new() { ["value"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } };

    private static JsonObject Selected(string value) => new() { ["value"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = value } } };

    private static string ViewSubmission(string callback, string metadata, JsonObject values, string viewId = "V111")
    {
        var json = SlackHarness.Placeholders(SlackHarness.Fixture("interaction-view_submission.json"), ("CALLBACK_ID", callback), ("PRIVATE_METADATA", "__META__"))
            .Replace("\"{{STATE_VALUES}}\"", values.ToJsonString(), StringComparison.Ordinal)
            .Replace("\"V111\"", $"\"{viewId}\"", StringComparison.Ordinal);
        var node = SlackHarness.Parse(json);
        node["view"]!["private_metadata"] = metadata;
        return node.ToJsonString();
    }
}
