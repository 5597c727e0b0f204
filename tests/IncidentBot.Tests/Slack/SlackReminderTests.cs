using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Overdue follow-ups reach their Slack owners as a direct message from the app, once a day, on the bot's fake clock.</summary>
public sealed class SlackReminderTests : IAsyncLifetime
{
    private const string Owner = "U2CERLKJA";

    private SlackHarness _h = null!;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Reviews:Meeting:TimeZone"] = "UTC",
        ["Reviews:ReminderTime"] = "09:00",
        ["Outbound:BaseDelay"] = "00:00:00.010",
    });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SlackOwner_GetsOneDirectMessageADay_AConsoleOwner_IsNamedAsUnreachable()
    {
        await DeclareWithOverdueFollowUpAsync();
        await _h.SendAsync(new AddActionItem(Actor.Console("facilitator"), 1, "Rotate the keys", "console:bob", "bob"));
        await _h.SendAsync(new SetActionItemDue(Actor.Console("facilitator"), 1, 2, Today().AddDays(-1)));
        await _h.SettleAsync();

        await PassToNextReminderTimeAsync();
        var first = Assert.Single(Reminders());
        Assert.Contains("A follow-up you own is overdue", first["text"]);
        Assert.Contains("INC-1 #1 Alert on the error rate", first["text"]);
        Assert.DoesNotContain(_h.Slack.CallsTo("chat.postMessage"), c => c["text"].Contains("Rotate the keys", StringComparison.Ordinal));
        Assert.DoesNotContain(_h.Slack.CallsTo("conversations.open"), _ => true);
        var run = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.followups", WorkStatus.Done));
        Assert.Contains("console:bob only on the web console: no chat to remind them in", run.Result);
        var bob = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.slack"), i => i.Kind == "person.remind" && i.Payload.Contains("console:bob", StringComparison.Ordinal));
        Assert.Equal("console:bob is not a Slack user: not reminded on Slack", bob.Result);

        await PassAsync(TimeSpan.FromHours(12));
        Assert.Single(Reminders());
        await PassAsync(TimeSpan.FromHours(12));
        Assert.Equal(2, Reminders().Count);
    }

    [Fact]
    public async Task ADirectMessageThatMayHaveArrived_IsNotSentAgain_TheNextDaysReminderFollows()
    {
        await DeclareWithOverdueFollowUpAsync();
        _h.Slack.FailAfterStoring("chat.postMessage", FakeSlackApi.ServerError, c => c["channel"] == Owner);

        await PassToNextReminderTimeAsync();
        for (var i = 0; i < 20 && (await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.slack")).Any(w => w.Kind == "person.remind" && w.Status != WorkStatus.Done); i++)
        {
            await PassAsync(TimeSpan.FromSeconds(30));
        }

        var reminder = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.slack"), i => i.Kind == "person.remind");
        Assert.Equal(WorkStatus.Done, reminder.Status);
        Assert.Equal("reminded (an earlier try may have reached them; not sent again)", reminder.Result);
        Assert.Single(Reminders());
        Assert.DoesNotContain(_h.Slack.Calls, c => c.Method == "conversations.history" && c["channel"] == Owner);
    }

    private async Task DeclareWithOverdueFollowUpAsync()
    {
        await _h.CommandAsync("declare sev2 Checkout errors");
        await _h.SettleAsync();
        var channel = _h.Slack.Channels.Values.Single(c => c.Name.StartsWith("inc-", StringComparison.Ordinal)).Id;
        await _h.CommandAsync($"action Alert on the error rate <@{Owner}|roadrunner>", channel);
        await _h.CommandAsync($"action due 1 {Today().AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", channel);
        await _h.SettleAsync();
        Assert.Equal($"slack:{Owner}", Assert.Single((await _h.IncidentAsync(1)).ActionItems).Owner?.Key);
    }

    private DateOnly Today() => DateOnly.FromDateTime(_h.Clock.GetUtcNow().UtcDateTime);

    /// <summary>To a minute past the next 09:00 UTC (the reminder time in the meeting's zone).</summary>
    private Task PassToNextReminderTimeAsync()
    {
        var now = _h.Clock.GetUtcNow();
        var next = new DateTimeOffset(now.UtcDateTime.Date.AddHours(9), TimeSpan.Zero);
        return PassAsync((next <= now ? next.AddDays(1) : next) - now + TimeSpan.FromMinutes(1));
    }

    private async Task PassAsync(TimeSpan span)
    {
        _h.Clock.Advance(span);
        await _h.SettleAsync();
    }

    private List<SlackCall> Reminders() =>
        [.. _h.Slack.CallsTo("chat.postMessage").Where(c => c["channel"] == Owner && c["text"].Contains("you own", StringComparison.Ordinal))];
}
