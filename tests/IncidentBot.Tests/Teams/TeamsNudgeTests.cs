using System.Text.Json.Nodes;
using IncidentBot.Teams.Cards;

namespace IncidentBot.Tests.Teams;

/// <summary>Role briefings and update reminders in Teams: replies in the incident's thread, on the bot's fake clock.</summary>
public sealed class TeamsNudgeTests : IAsyncLifetime
{
    private TeamsHarness _h = null!;

    public async Task InitializeAsync() => _h = await TeamsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Commander_IsBriefedInTheThread_RemindedWithASnoozeCard_AndItsSnoozeButtonPutsTheReminderOff()
    {
        await _h.SayAsync("declare sev2 Checkout errors spike");
        await _h.SettleAsync();
        var thread = Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "teams").ChannelId;
        var cardId = thread[(thread.IndexOf('=', StringComparison.Ordinal) + 1)..];

        await _h.SayAsync("role commander me", conversationId: thread);
        await _h.SettleAsync();
        var briefing = Assert.Single(Replies(), c => c.Text?.Contains("You are now the commander of INC-1", StringComparison.Ordinal) == true);
        Assert.Equal(cardId, briefing.ActivityId);
        Assert.StartsWith(TeamsActivities.DefaultUserName + ":", briefing.Text);

        await PassAsync(TimeSpan.FromMinutes(59));
        Assert.Empty(Reminders());
        await PassAsync(TimeSpan.FromMinutes(2));
        var reminder = Assert.Single(Reminders());
        Assert.Equal(cardId, reminder.ActivityId);
        var card = reminder.Body!["attachments"]![0]!["content"]!;
        Assert.Contains("INC-1 (SEV2) has had no update for 1 h 1 min", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("“@IncidentBot update …”", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(["Snooze 15 min", "Snooze 30 min", "Snooze 1 h"], card["actions"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()));

        var data = new JsonObject { ["verb"] = TeamsCards.VerbSnooze, ["incident"] = 1, ["nudge"] = "update", ["minutes"] = 120 };
        var answer = await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbSnooze, data, cardId, serviceUrl: _h.ServiceUrl));
        Assert.Contains("comes back in 2 h", TeamsHarness.AnswerText(answer));
        await _h.SettleAsync();

        // Without the snooze the next reminder would come an hour after the first.
        await PassAsync(TimeSpan.FromMinutes(110));
        Assert.Single(Reminders());
        await PassAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(2, Reminders().Count);
    }

    [Fact]
    public async Task QuietIncident_IsNudgedInItsThread()
    {
        await _h.SayAsync("declare Nightly export late");
        await _h.SettleAsync();

        await PassAsync(TimeSpan.FromHours(23));
        Assert.Empty(Quiet());
        await PassAsync(TimeSpan.FromHours(2));

        var nudge = Assert.Single(Quiet());
        var card = nudge.Body!["attachments"]![0]!["content"]!;
        Assert.Equal(["Snooze 4 h", "Snooze 1 day"], card["actions"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()));
        Assert.Empty(Reminders()); // a SEV3 has no update reminder
    }

    private async Task PassAsync(TimeSpan span)
    {
        _h.Bot.Clock.Advance(span);
        await _h.SettleAsync();
    }

    private List<ConnectorCall> Replies() => [.. _h.Teams.ConnectorCalls.Where(c => c.Route == FakeTeamsRoutes.ReplyToActivity)];

    private List<ConnectorCall> Reminders() => [.. Replies().Where(c => c.Body?.ToJsonString().Contains("has had no update", StringComparison.Ordinal) == true)];

    private List<ConnectorCall> Quiet() => [.. Replies().Where(c => c.Body?.ToJsonString().Contains("has been quiet", StringComparison.Ordinal) == true)];
}
