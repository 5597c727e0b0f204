using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Outbox;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.ActionItems;

/// <summary>Follow-ups that get done: changed from chat, listed, and their owners reminded once a day while overdue.</summary>
public class FollowUpSliceTests
{
    // Monday 2026-11-16 08:00 UTC is 09:00 in Berlin; reminders run at 09:00 Berlin (08:00 UTC in November).
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 7, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
        ["Reviews:ReminderTime"] = "09:00",
    };

    private static async Task AtAsync(CoreHarness core, DateTimeOffset utc)
    {
        core.Clock.SetUtcNow(utc);
        await core.RunAllDueAsync();
    }

    private static Task<ChatReply> ChatAsync(CoreHarness core, Actor actor, string line) =>
        core.SendAsync(new RunChatCommand(actor, CommandInput.Plain(line), new ChatLocation("console")));

    private static List<(string Owner, string Text)> Reminders(RecordingExecutor chat) =>
        chat.Ran.OfType<RemindPerson>().Select(r => (r.PersonKey, r.Text)).ToList();

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ActionDone1_ClosesFollowUp1_InsteadOfAddingOneCalledDone1(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db, settings: Settings, clock: new FakeTimeProvider(Monday));
        var n = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"))).Number;
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "alert on error rate", "console:bob", "bob"));

        var done = await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action done 1");
        await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action due 1 2026-11-20");
        await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action link 1 https://tracker.example.com/OPS-7");
        var list = await ChatAsync(core, CoreHarness.Alice, $"INC-{n} actions");

        Assert.Contains("Follow-up #1", done.Text);
        var item = Assert.Single((await core.SendAsync(new GetIncident(CoreHarness.Alice, n))).ActionItems);
        Assert.Equal("alert on error rate", item.Text);
        Assert.Equal(ActionItemStatus.Done, item.Status);
        Assert.Equal(new DateOnly(2026, 11, 20), item.DueOn);
        Assert.Equal("https://tracker.example.com/OPS-7", item.Link);
        Assert.Contains("#1 alert on error rate — done · owner bob · due 2026-11-20 · https://tracker.example.com/OPS-7", list.Text);

        await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action reopen 1");
        var dropped = await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action drop 1 the new alerting covers it");
        Assert.Contains("won't do (the new alerting covers it)", dropped.Text);
        var missing = await ChatAsync(core, CoreHarness.Alice, $"INC-{n} action done 7");
        Assert.Contains("no follow-up #7", missing.Text);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task OverdueOwners_AreRemindedAtTheReminderTime_OnceADayEach_UntilTheirFollowUpsAreClosed(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        var chat = new RecordingExecutor();
        await using var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(chat), Settings, new FakeTimeProvider(Monday));
        var n = (await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors", "SEV2"))).Number;
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "Alert on error rate", "console:bob", "bob"));
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "Write the runbook", "console:bob", "bob"));
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "Fix the dashboards", "console:carol", "carol"));
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "Nobody's", null, null));
        await core.SendAsync(new SetActionItemDue(CoreHarness.Alice, n, 1, new DateOnly(2026, 11, 17)));
        await core.SendAsync(new SetActionItemDue(CoreHarness.Alice, n, 2, new DateOnly(2026, 11, 17)));
        await core.SendAsync(new SetActionItemDue(CoreHarness.Alice, n, 3, new DateOnly(2026, 11, 18)));
        await core.SendAsync(new SetActionItemDue(CoreHarness.Alice, n, 4, new DateOnly(2026, 11, 1)));

        // Tuesday 08:59 Berlin: not yet the time; 09:00: nothing is overdue (due today is not late).
        await AtAsync(core, new DateTimeOffset(2026, 11, 17, 7, 59, 0, TimeSpan.Zero));
        await AtAsync(core, new DateTimeOffset(2026, 11, 17, 8, 0, 0, TimeSpan.Zero));
        Assert.Empty(Reminders(chat));

        // Wednesday 09:00 Berlin: bob's two follow-ups in one message; carol's is due today.
        await AtAsync(core, new DateTimeOffset(2026, 11, 18, 8, 0, 0, TimeSpan.Zero));
        var wednesday = Assert.Single(Reminders(chat));
        Assert.Equal("console:bob", wednesday.Owner);
        Assert.Contains("2 follow-ups you own are overdue", wednesday.Text);
        Assert.Contains($"INC-{n} #1 Alert on error rate (due 2026-11-17, 1 day ago)", wednesday.Text);
        Assert.Contains($"INC-{n} #2 Write the runbook", wednesday.Text);

        // Later that day bob gets another overdue follow-up: he hears of it tomorrow, not twice today.
        await core.SendAsync(new AddActionItem(CoreHarness.Alice, n, "Rotate the keys", "console:bob", "bob"));
        await core.SendAsync(new SetActionItemDue(CoreHarness.Alice, n, 5, new DateOnly(2026, 11, 10)));
        await AtAsync(core, new DateTimeOffset(2026, 11, 18, 19, 0, 0, TimeSpan.Zero));
        Assert.Single(Reminders(chat));

        // Thursday: one message each for bob (three follow-ups) and carol.
        await AtAsync(core, new DateTimeOffset(2026, 11, 19, 8, 0, 0, TimeSpan.Zero));
        var thursday = Reminders(chat).Skip(1).ToList();
        Assert.Equal(["console:bob", "console:carol"], thursday.Select(r => r.Owner).Order());
        Assert.Contains("3 follow-ups you own are overdue", thursday.Single(r => r.Owner == "console:bob").Text);
        Assert.Contains("A follow-up you own is overdue", thursday.Single(r => r.Owner == "console:carol").Text);

        // Closed follow-ups are no longer reminded of; once nothing dated is open, the daily run stops.
        await core.SendAsync(new CloseActionItem(CoreHarness.Alice, n, 1, ActionItemStatus.Done));
        await core.SendAsync(new CloseActionItem(CoreHarness.Alice, n, 2, ActionItemStatus.WontDo, "covered by the new runbook tooling"));
        await core.SendAsync(new CloseActionItem(CoreHarness.Alice, n, 5, ActionItemStatus.Done));
        await AtAsync(core, new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));
        var friday = Assert.Single(Reminders(chat).Skip(3));
        Assert.Equal("console:carol", friday.Owner);

        await core.SendAsync(new CloseActionItem(CoreHarness.Alice, n, 3, ActionItemStatus.Done));
        await AtAsync(core, new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));
        await AtAsync(core, new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(4, Reminders(chat).Count);
        Assert.Empty((await core.Queue.ListAsync("outbox.followups", IncidentBot.Core.Storage.WorkStatus.Pending, 10, CancellationToken.None)));
    }
}
