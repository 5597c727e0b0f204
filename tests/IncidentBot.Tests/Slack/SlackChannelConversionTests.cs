using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary><c>/incident declare</c> run in an existing channel can make that channel the incident's, its recent messages starting the timeline.</summary>
public sealed class SlackChannelConversionTests : IAsyncLifetime
{
    private SlackHarness _h = null!;

    private FakeSlackApi Slack => _h.Slack;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task DeclareForm_InAChannel_OffersIt_AndUsingItJoinsLinksAndCopiesTheChosenMinutes()
    {
        var room = Slack.AddChannel("payments-war-room");
        var now = _h.Clock.GetUtcNow();
        Slack.AddMessage(room.Id, Ts(now - TimeSpan.FromMinutes(90)), "U0OLD", "lunch anyone?");
        Slack.AddMessage(room.Id, Ts(now - TimeSpan.FromMinutes(20)), "U0ANA", "card payments failing for <@U0BEN>'s customers");
        Slack.AddMessage(room.Id, Ts(now - TimeSpan.FromMinutes(5)), "U0BEN", "seeing 502s from the gateway");

        await _h.CommandAsync("declare", room.Id, trigger: "tr-convert");
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 0, "the declare form opened");
        var view = Slack.CallsTo("views.open")[0].Json("view")!;
        var offer = view["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == "use_channel");
        // The command names the channel it was run in (channel_name; "foobar" in the published example the request is built from).
        Assert.Contains("Use #foobar as the incident", offer!.ToJsonString());

        var submitted = await _h.InteractionAsync(DeclareSubmission(room.Id, useChannel: true, backfill: "60"));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        await _h.SettleAsync();

        Assert.Empty(Slack.CallsTo("conversations.create"));
        Assert.Equal(room.Id, Assert.Single(Slack.CallsTo("conversations.join"))["channel"]);
        var incident = await _h.IncidentAsync(1);
        Assert.Equal(room.Id, Assert.Single(incident.Channels, c => c.Platform == "slack").ChannelId);
        var copied = incident.Timeline.Where(e => e.Kind == TimelineKind.Captured).ToList();
        Assert.Equal(["card payments failing for @u0ben-display's customers", "seeing 502s from the gateway"], copied.Select(e => e.Text));
        Assert.Equal(["slack:U0ANA", "slack:U0BEN"], copied.Select(e => e.Author.Key));
        Assert.All(copied, e => Assert.True(e.OccurredAt < incident.Summary.DeclaredAt));

        // The card lands in the adopted channel, and the declarer is told there.
        Assert.Contains(room.Pins, ts => ts.Length > 0);
        var told = Slack.CallsTo("chat.postEphemeral").Single(c => c["text"].Contains("declared", StringComparison.Ordinal));
        Assert.Equal(room.Id, told["channel"]);
        Assert.Contains("This channel is its channel now", told["text"]);
    }

    [Fact]
    public async Task DeclareForm_WithoutTheBox_StillCreatesAChannel_AndInAnIncidentsChannelOffersNothing()
    {
        var room = Slack.AddChannel("general-chat");
        await _h.CommandAsync("declare", room.Id, trigger: "tr-a");
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 0, "the declare form opened");
        await _h.InteractionAsync(DeclareSubmission(room.Id, useChannel: false, backfill: "60"));
        await _h.SettleAsync();

        Assert.Single(Slack.CallsTo("conversations.create"));
        Assert.Empty(Slack.CallsTo("conversations.join"));
        var created = Slack.Channels.Values.Single(c => c.Name.StartsWith("inc-1", StringComparison.Ordinal));

        await _h.CommandAsync("declare", created.Id, trigger: "tr-b");
        await TestTime.UntilAsync(() => Slack.CallsTo("views.open").Count > 1, "the second form opened");
        var view = Slack.CallsTo("views.open")[1].Json("view")!;
        Assert.DoesNotContain(view["blocks"]!.AsArray(), b => b!["block_id"]?.GetValue<string>() == "use_channel");
    }

    [Fact]
    public async Task UsingAnIncidentsChannel_IsRefusedWithAReason()
    {
        await _h.CommandAsync("declare First");
        await _h.SettleAsync();
        var first = Slack.Channels.Values.Single(c => c.Name.StartsWith("inc-1", StringComparison.Ordinal));

        await _h.InteractionAsync(DeclareSubmission(first.Id, useChannel: true, backfill: "0"));
        await _h.SettleAsync();

        Assert.Equal(1, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
        Assert.Contains(Slack.CallsTo("chat.postEphemeral"), c => c["channel"] == first.Id && c["text"].Contains("already INC-1's", StringComparison.Ordinal));
    }

    private static string Ts(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeSeconds()}.{at.Millisecond * 1000:D6}");

    private static string DeclareSubmission(string channel, bool useChannel, string backfill)
    {
        var values = new JsonObject
        {
            ["title"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "Card payments failing" } },
            ["severity"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "SEV2" } } },
            ["use_channel"] = new JsonObject
            {
                ["value"] = new JsonObject { ["type"] = "checkboxes", ["selected_options"] = useChannel ? new JsonArray(new JsonObject { ["value"] = "use" }) : new JsonArray() },
            },
            ["backfill"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = backfill } } },
        };
        var json = SlackHarness.Placeholders(SlackHarness.Fixture("interaction-view_submission.json"), ("CALLBACK_ID", "declare_incident"), ("PRIVATE_METADATA", "__META__"))
            .Replace("\"{{STATE_VALUES}}\"", values.ToJsonString(), StringComparison.Ordinal)
            .Replace("\"V111\"", $"\"V-{Guid.NewGuid():N}\"", StringComparison.Ordinal);
        var node = SlackHarness.Parse(json);
        node["view"]!["private_metadata"] = channel;
        node["user"]!["id"] = "U2CERLKJA";
        return node.ToJsonString();
    }
}
