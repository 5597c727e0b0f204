using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Teams;

/// <summary>Overdue follow-ups reach their Teams owners in their personal chat with the bot, once a day, on the bot's fake clock.</summary>
public sealed class TeamsReminderTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Reviews:Meeting:TimeZone"] = "UTC",
        ["Reviews:ReminderTime"] = "09:00",
    };

    private TeamsHarness _h = null!;

    public async Task InitializeAsync() => _h = await TeamsHarness.StartAsync(settings: Settings);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task TeamsOwnerOfAnOverdueFollowUp_GetsOnePersonalMessageADay_TheChatOpenedOnceAndThenReused()
    {
        var yesterday = Today().AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var thread = await DeclareAsync();
        await _h.SayAsync("action Alert on the checkout error rate", conversationId: thread,
            mentions: [(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName)]);
        await _h.SayAsync("action Write the runbook", conversationId: thread,
            mentions: [(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName)]);
        await _h.SayAsync($"action due 1 {yesterday}", conversationId: thread);
        await _h.SayAsync($"action due 2 {yesterday}", conversationId: thread);
        await _h.SettleAsync();
        var owner = Assert.Single((await _h.IncidentAsync(1)).ActionItems.Select(a => a.Owner?.Key).Distinct());
        Assert.Equal($"teams:{TeamsActivities.DefaultUserAadObjectId}", owner);

        await PassToNextReminderTimeAsync();
        var open = Assert.Single(Opened());
        Assert.False(open.Body!["isGroup"]!.GetValue<bool>());
        Assert.Equal(TeamsActivities.DefaultUserAadObjectId, Assert.Single(open.Body["members"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultTenantId, open.Body["tenantId"]!.GetValue<string>());
        var chat = FakeTeamsServices.PersonalConversationIdFor(TeamsActivities.DefaultUserAadObjectId);
        var first = Assert.Single(Reminders());
        Assert.Equal(chat, first.ConversationId);
        Assert.Contains("2 follow-ups you own are overdue", first.Text);
        Assert.Contains("INC-1 #1 Alert on the checkout error rate", first.Text);
        Assert.Contains("INC-1 #2 Write the runbook", first.Text);

        // Not again the same day; the next day once more, into the chat already open: one call, not two.
        await PassAsync(TimeSpan.FromHours(12));
        Assert.Single(Reminders());
        await PassAsync(TimeSpan.FromHours(12));
        Assert.Equal([chat, chat], Reminders().Select(r => r.ConversationId));
        Assert.Single(Opened());
    }

    [Fact]
    public async Task SomeoneWhoWroteToTheBot_IsRemindedInThatChat_WithoutOpeningOne()
    {
        await _h.PostAsync(TeamsActivities.Message("list", conversationType: "personal", serviceUrl: _h.ServiceUrl));
        var thread = await DeclareAsync();
        await _h.SayAsync("action Alert on the checkout error rate", conversationId: thread,
            mentions: [(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName)]);
        await _h.SayAsync($"action due 1 {Today().AddDays(-3):yyyy-MM-dd}", conversationId: thread);
        await _h.SettleAsync();

        await PassToNextReminderTimeAsync();

        var reminder = Assert.Single(Reminders());
        Assert.Equal(TeamsActivities.DefaultPersonalConversationId, reminder.ConversationId);
        Assert.Contains("A follow-up you own is overdue", reminder.Text);
        Assert.Empty(Opened());
    }

    [Fact]
    public async Task AnOwnerTheBotNeverSawOnTeams_IsNotCalledFor_AndTheReminderSaysWhy()
    {
        const string stranger = "teams:0b8e5c3a-61d2-4f7e-9a4c-2d5b7e1f3a90";
        await DeclareAsync();
        await using (var scope = _h.Bot.Services.CreateAsyncScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            await mediator.Send(new AddActionItem(Actor.Console("facilitator"), 1, "Rotate the keys", stranger, "Robin"));
            await mediator.Send(new SetActionItemDue(Actor.Console("facilitator"), 1, 1, Today().AddDays(-1)));
        }

        await _h.SettleAsync();
        await PassToNextReminderTimeAsync();

        Assert.Empty(Opened());
        Assert.Empty(Reminders());
        var run = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.teams"), i => i.Kind == "person.remind");
        Assert.Equal(WorkStatus.Done, run.Status);
        Assert.Equal(1, run.Attempts);
        Assert.Equal("not reminded: the bot never saw them on Teams (no tenant known)", run.Result);
    }

    [Fact]
    public async Task AnOwnerTeamsWillNotOpenAChatWith_IsNotRetried_TheOutcomeSaysWhy()
    {
        var thread = await DeclareAsync();
        await _h.SayAsync("action Alert on the checkout error rate", conversationId: thread,
            mentions: [(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName)]);
        await _h.SayAsync($"action due 1 {Today().AddDays(-1):yyyy-MM-dd}", conversationId: thread);
        await _h.SettleAsync();
        _h.Teams.FailNext(FakeTeamsRoutes.CreateConversation, 1,
            FakeTeamsServices.GraphError(System.Net.HttpStatusCode.Forbidden, "Forbidden", "The bot is not part of the conversation roster."));

        await PassToNextReminderTimeAsync();

        Assert.Single(Opened());
        Assert.Empty(Reminders());
        var run = Assert.Single(await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox.teams"), i => i.Kind == "person.remind");
        Assert.Equal((WorkStatus.Done, 1), (run.Status, run.Attempts));
        Assert.Equal("not reminded: Teams would not open a personal chat (403 Forbidden)", run.Result);
    }

    private async Task<string> DeclareAsync()
    {
        await _h.SayAsync("declare sev2 Checkout errors spike");
        await _h.SettleAsync();
        return Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "teams").ChannelId;
    }

    private DateOnly Today() => DateOnly.FromDateTime(_h.Bot.Clock.GetUtcNow().UtcDateTime);

    /// <summary>To a minute past the next 09:00 UTC (the reminder time in the meeting's zone).</summary>
    private Task PassToNextReminderTimeAsync()
    {
        var now = _h.Bot.Clock.GetUtcNow();
        var next = new DateTimeOffset(now.UtcDateTime.Date.AddHours(9), TimeSpan.Zero);
        if (next <= now)
        {
            next = next.AddDays(1);
        }

        return PassAsync(next - now + TimeSpan.FromMinutes(1));
    }

    private async Task PassAsync(TimeSpan span)
    {
        _h.Bot.Clock.Advance(span);
        await _h.SettleAsync();
    }

    private List<ConnectorCall> Opened() =>
        [.. _h.Teams.ConnectorCalls.Where(c => c.Route == FakeTeamsRoutes.CreateConversation && c.ConversationId is null && c.Body?["members"] is not null)];

    private List<ConnectorCall> Reminders() =>
        [.. _h.Teams.ConnectorCalls.Where(c => c.Route == FakeTeamsRoutes.SendToConversation && c.Text?.Contains("you own", StringComparison.Ordinal) == true)];
}
