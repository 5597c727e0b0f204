using System.Globalization;
using System.Text;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.ActionItems;

/// <summary>When reminders run and which day it is, in the review meeting's time zone.</summary>
public static class FollowUpReminders
{
    /// <summary>The first <c>Reviews:ReminderTime</c> strictly after <paramref name="nowUtc"/>, as UTC.</summary>
    public static DateTime NextRun(DateTime nowUtc, ReviewsOptions options)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Meeting.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone);
        var day = DateOnly.FromDateTime(local);
        for (var i = 0; i < 3; i++)
        {
            var at = day.AddDays(i).ToDateTime(options.ReminderTimeOfDay, DateTimeKind.Unspecified);

            // A reminder time skipped by a clock change runs at the first valid minute after it.
            while (zone.IsInvalidTime(at))
            {
                at = at.AddMinutes(1);
            }

            var utc = TimeZoneInfo.ConvertTimeToUtc(at, zone);
            if (utc > nowUtc)
            {
                return utc;
            }
        }

        throw new InvalidOperationException("No reminder time in the next three days.");
    }

    /// <summary>The day it is at <paramref name="nowUtc"/> where the meeting is.</summary>
    public static DateOnly Today(DateTime nowUtc, ReviewsOptions options) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc),
            TimeZoneInfo.FindSystemTimeZoneById(options.Meeting.TimeZone)));
}

/// <summary>
/// Sends today's reminders: one message per owner listing all their overdue follow-ups, then schedules tomorrow's run
/// while any open follow-up has a due date. Runs once a day (one pending run, rescheduled in place), so an owner hears
/// at most once a day.
/// </summary>
public sealed record SendOverdueReminders : IRequest<string>;

internal sealed class SendOverdueRemindersHandler(IncidentWorkspace workspace, IOptions<ReviewsOptions> reviews, IIncidentLinks links)
    : IRequestHandler<SendOverdueReminders, string>
{
    private const int Page = 200;

    public async Task<string> Handle(SendOverdueReminders request, CancellationToken cancellationToken)
    {
        var options = reviews.Value;
        var now = workspace.Now;
        var today = FollowUpReminders.Today(now, options);
        var overdue = new List<(Incident Incident, ActionItem Item)>();
        var anyDated = false;
        foreach (var incident in await FollowUps.AllIncidentsAsync(workspace.Store, Page, cancellationToken))
        {
            foreach (var item in incident.ActionItems.Where(a => a.Status == ActionItemStatus.Open && a.DueOn is not null && a.OwnerKey is not null))
            {
                anyDated = true;
                if (item.IsOverdue(today))
                {
                    overdue.Add((incident, item));
                }
            }
        }

        foreach (var owner in overdue.GroupBy(o => o.Item.OwnerKey!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            workspace.Enqueue(new RemindPerson(owner.Key, Text(owner.ToList(), today)));
        }

        if (anyDated)
        {
            workspace.Enqueue(new RemindOverdueFollowUps(FollowUpReminders.NextRun(now, options)));
        }

        await workspace.SaveAsync(cancellationToken);
        var owners = overdue.Select(o => o.Item.OwnerKey!).Distinct(StringComparer.Ordinal).ToList();
        var outcome = $"{overdue.Count} overdue follow-up(s): a reminder each for {owners.Count} owner(s)";

        // Only chat platforms deliver messages: someone known only from the web console has nowhere to be reminded.
        var unreachable = owners.Where(o => PersonKey.PlatformOf(o) == "console").ToList();
        return unreachable.Count == 0 ? outcome : $"{outcome}; {string.Join(", ", unreachable)} only on the web console: no chat to remind them in";
    }

    private string Text(List<(Incident Incident, ActionItem Item)> items, DateOnly today)
    {
        var sb = new StringBuilder(items.Count == 1 ? "A follow-up you own is overdue:" : $"{items.Count} follow-ups you own are overdue:");
        foreach (var (incident, item) in items.OrderBy(i => i.Item.DueOn).ThenBy(i => i.Incident.Number).ThenBy(i => i.Item.Id))
        {
            var days = today.DayNumber - item.DueOn!.Value.DayNumber;
            sb.Append(CultureInfo.InvariantCulture, $"\n• {incident.Reference} #{item.Id} {item.Text} (due {item.DueOn:yyyy-MM-dd}, {days} day{(days == 1 ? string.Empty : "s")} ago)");
            if ((item.Link ?? links.IncidentUrl(incident.Number)) is { } link)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {link}");
            }
        }

        sb.Append("\nClose one with /incident INC-n action done <n>, or action drop <n> <reason> when it won't be done.");
        return sb.ToString();
    }
}

/// <summary>Reads every incident a page at a time, for the figures and lists that span all of them.</summary>
internal static class FollowUps
{
    public static async Task<IReadOnlyList<Incident>> AllIncidentsAsync(Storage.IIncidentStore store, int page, CancellationToken cancellationToken)
    {
        var all = new List<Incident>();
        for (var skip = 0; ; skip += page)
        {
            var found = await store.ListAsync(new Storage.IncidentQuery(string.Empty, SeesEverything: true, Skip: skip, Take: page), cancellationToken);
            all.AddRange(found.Items);
            if (found.Items.Count < page || all.Count >= found.Total)
            {
                return all;
            }
        }
    }
}

/// <summary>The core's executor for follow-up reminders: the run waits until its time as work due later.</summary>
internal sealed class FollowUpsExecutor(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxExecutor
{
    public string Name => "followups";

    public bool Handles(Type intentType) => intentType == typeof(RemindOverdueFollowUps);

    public TimeSpan DelayOf(IOutboxIntent intent) =>
        intent is RemindOverdueFollowUps run && run.AtUtc > clock.GetUtcNow().UtcDateTime ? run.AtUtc - clock.GetUtcNow().UtcDateTime : TimeSpan.Zero;

    /// <summary>One pending run: scheduling again moves it rather than adding a second one.</summary>
    public string? UniqueKeyOf(IOutboxIntent intent) => "overdue";

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SendOverdueReminders(), cancellationToken);
    }
}
