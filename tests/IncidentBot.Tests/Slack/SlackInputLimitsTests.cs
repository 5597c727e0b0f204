using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Slack's share of the core's input limits: a refused input changes nothing and is answered privately or with a 400.</summary>
public sealed class SlackInputLimitsTests : IAsyncLifetime
{
    private SlackHarness _h = null!;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_slash_command_declaring_a_title_of_NUL_characters_is_answered_privately_and_declares_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync("declare sev2 " + new string('\0', 8))).StatusCode);
        await _h.SettleAsync();

        var reply = Assert.Single(_h.Slack.Responses);
        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        Assert.Contains("title", reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
        Assert.Empty(_h.Slack.CallsTo("conversations.create"));
    }

    [Fact]
    public async Task A_slash_command_with_a_trigger_id_of_two_thousand_characters_is_a_400_and_stores_nothing()
    {
        // Found by the hostile-input test: the delivery id reached the store's index, whose keys are limited, and failed there.
        var response = await _h.CommandAsync("declare sev2 Checkout errors", trigger: "13345224609.738474920.8088930838d88f008e0" + new string('9', 2000));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }

    [Fact]
    public async Task A_slash_command_from_a_ten_thousand_character_user_id_is_answered_privately_and_declares_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync("declare sev2 Checkout errors", user: "U" + new string('A', 10_005))).StatusCode);
        await _h.SettleAsync();

        var reply = Assert.Single(_h.Slack.Responses);
        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        Assert.Contains("person id", reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }

    [Fact]
    public async Task An_event_with_a_lone_surrogate_is_a_400_and_nothing_is_stored()
    {
        var json = SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", "C0RANDOM"), ("TS", "1763370999.000300"), ("EVENT_ID", "Ev\\ud800"), ("REACTION", "pushpin"));

        var response = await _h.EventAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
    }

    [Fact]
    public async Task A_pinned_message_of_a_megabyte_is_captured_cut_with_a_marker_and_its_link()
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync("declare sev2 Checkout errors")).StatusCode);
        await _h.SettleAsync();
        var channel = Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;
        _h.Slack.AddMessage(channel, "1763370999.000200", "U0AUTHOR", new string('x', 1_048_299));

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", "1763370999.000200"), ("EVENT_ID", "Ev01"), ("REACTION", "pushpin")));
        await _h.SettleAsync();

        var entry = Assert.Single((await _h.IncidentAsync(1)).Timeline, e => e.Kind == IncidentBot.Core.Domain.TimelineKind.Captured);
        Assert.Equal(4000, entry.Text.Length);
        Assert.EndsWith(IncidentBot.Core.Input.InputLimits.TruncatedMarker, entry.Text);
        Assert.Equal($"https://fake.slack.test/archives/{channel}/p1763370999000200", entry.Link);
    }

    [Fact]
    public async Task An_event_naming_a_malformed_user_is_parked_at_once_and_changes_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync("declare sev2 Checkout errors")).StatusCode);
        await _h.SettleAsync();
        var before = (await _h.IncidentAsync(1)).Members.Count;
        var channel = Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "slack").ChannelId;

        await _h.EventAsync(SlackHarness.Placeholders(SlackHarness.Fixture("event-member_joined_channel.json"),
            ("CHANNEL", channel), ("USER", "u0-not-a-slack-id"), ("EVENT_ID", "EvJoinBad")));
        await _h.SettleAsync();

        // Running it again cannot make the input acceptable: one attempt, then it waits for an admin with its reason.
        var parked = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox.", IncidentBot.Core.Storage.WorkStatus.Parked));
        Assert.Equal(1, parked.Attempts);
        Assert.Contains("person id", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(before, (await _h.IncidentAsync(1)).Members.Count);
    }
}
