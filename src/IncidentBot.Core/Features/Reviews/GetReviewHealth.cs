using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// "Is it working?": the review figures of the last <paramref name="Months"/> calendar months up to this one (in the
/// meeting's time zone), over the incidents the actor may see. The page draws them; every number is decided here.
/// </summary>
public sealed record GetReviewHealth(Actor Actor, int Months = 4) : IRequest<ReviewHealth>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <param name="Month">The month's first day.</param>
/// <param name="SessionsHeld">Sessions that started this month with at least one incident booked and were not cancelled.</param>
/// <param name="SessionsCancelled">Sessions this month that were cancelled (skipped, or nothing booked at the freeze).</param>
/// <param name="FollowUpsOpened">Follow-ups added this month.</param>
/// <param name="FollowUpsClosed">Follow-ups marked done or won't do this month (as they stand now).</param>
/// <param name="FollowUpsOverdue">Follow-ups open at the month's end (or now, for this month) whose due day had passed.</param>
public sealed record MonthFigures(DateOnly Month, int SessionsHeld, int SessionsCancelled, int FollowUpsOpened, int FollowUpsClosed, int FollowUpsOverdue)
{
    public string Label => Month.ToString("MMM yyyy", CultureInfo.InvariantCulture);
}

/// <summary>Incidents waiting for their review at the end of a week: resolved and booked, the session not yet started.</summary>
public sealed record BacklogPoint(DateOnly Day, int Waiting);

/// <summary>A contributing factor written in the docs of more than one incident of a service.</summary>
public sealed record RepeatFactor(string Factor, int Incidents);

public sealed record ServiceFigures(string Service, int Incidents, IReadOnlyList<RepeatFactor> RepeatFactors);

/// <summary>Average minutes from impact start to declare (detect) and to resolve, of the incidents resolved that month.</summary>
public sealed record DurationPoint(string Severity, DateOnly Month, int Incidents, double? DetectMinutes, double? ResolveMinutes);

/// <summary>
/// The figures, month by month; <c>DocsBooked</c> counts incidents on an agenda that froze in the window and
/// <c>DocsFilled</c> those whose doc had a written section before the freeze.
/// </summary>
public sealed record ReviewHealth(
    IReadOnlyList<MonthFigures> Months,
    int DocsBooked,
    int DocsFilled,
    IReadOnlyList<BacklogPoint> Backlog,
    IReadOnlyList<ServiceFigures> Services,
    IReadOnlyList<DurationPoint> Durations)
{
    /// <summary>Share of booked docs filled before the freeze, 0–1; null when nothing was booked.</summary>
    public double? FilledShare => DocsBooked == 0 ? null : (double)DocsFilled / DocsBooked;
}

internal sealed class GetReviewHealthHandler(IncidentWorkspace workspace, IReviewStore reviews, IOptions<ReviewsOptions> options)
    : IRequestHandler<GetReviewHealth, ReviewHealth>
{
    private const int Page = 200;

    public async Task<ReviewHealth> Handle(GetReviewHealth request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(o.Meeting.TimeZone);
        var now = workspace.Now;
        var today = FollowUpReminders.Today(now, o);
        var months = Math.Clamp(request.Months, 1, 24);
        var firstMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-(months - 1));
        var fromUtc = Utc(firstMonth, zone);
        var freeze = TimeSpan.FromHours(o.AgendaFreezeHours);

        var incidents = new List<Incident>();
        for (var skip = 0; ; skip += Page)
        {
            var page = await workspace.Store.ListAsync(workspace.QueryFor(request.Actor, skip: skip, take: Page), cancellationToken);
            incidents.AddRange(page.Items);
            if (page.Items.Count < Page || incidents.Count >= page.Total)
            {
                break;
            }
        }

        var byId = incidents.ToDictionary(i => i.Id);
        var sessions = (await reviews.LoadCalendarAsync(fromUtc - TimeSpan.FromDays(62), cancellationToken)).Sessions;
        DateOnly MonthOf(DateTime utc) { var d = Local(utc, zone); return new DateOnly(d.Year, d.Month, 1); }

        var monthFigures = new List<MonthFigures>();
        for (var m = firstMonth; m <= today; m = m.AddMonths(1))
        {
            var month = m;
            var inMonth = sessions.Where(s => s.StartUtc <= now && MonthOf(s.StartUtc) == month).ToList();
            var held = inMonth.Count(s => !s.Cancelled && s.Bookings.Count > 0);
            var cancelled = inMonth.Count - held;
            var items = incidents.SelectMany(i => i.ActionItems).ToList();
            var opened = items.Count(a => MonthOf(a.CreatedAt) == month);
            var closed = items.Count(a => a.ClosedAt is { } c && MonthOf(c) == month);
            var endOfMonth = month.AddMonths(1) <= today ? month.AddMonths(1).AddDays(-1) : today;
            var endUtc = month.AddMonths(1) <= today ? Utc(month.AddMonths(1), zone) : now;

            // Open at the month's end: added before it and not closed by then; overdue: due before that day.
            var overdue = items.Count(a => a.CreatedAt < endUtc && (a.ClosedAt is null || a.ClosedAt >= endUtc) && a.DueOn < endOfMonth);
            monthFigures.Add(new MonthFigures(month, held, cancelled, opened, closed, overdue));
        }

        // Docs filled before the freeze, for agendas that froze in the window.
        var booked = 0;
        var filled = 0;
        foreach (var session in sessions.Where(s => !s.Cancelled && s.StartUtc - freeze >= fromUtc && s.StartUtc - freeze <= now))
        {
            foreach (var booking in session.Bookings)
            {
                if (!byId.TryGetValue(booking.IncidentId, out var incident))
                {
                    continue;
                }

                booked++;
                if (incident.ReviewSections.Any(e => e.At <= session.StartUtc - freeze && !string.IsNullOrWhiteSpace(e.Text)))
                {
                    filled++;
                }
            }
        }

        // Backlog at the end of each week: booked incidents resolved by then whose session had not started.
        var backlog = new List<BacklogPoint>();
        var bookingsById = sessions.SelectMany(s => s.Bookings.Select(b => (b.IncidentId, s.StartUtc))).ToList();
        for (var day = firstMonth.AddDays(6); day <= today.AddDays(6); day = day.AddDays(7))
        {
            var at = day > today ? now : Utc(day.AddDays(1), zone);
            var waiting = bookingsById.Count(b => byId.TryGetValue(b.IncidentId, out var i) && i.ResolvedAt is { } r && r < at && b.StartUtc >= at);
            backlog.Add(new BacklogPoint(day > today ? today : day, waiting));
            if (day > today)
            {
                break;
            }
        }

        var windowIncidents = incidents.Where(i => i.DeclaredAt >= fromUtc && i.DeclaredAt <= now).ToList();
        var services = windowIncidents
            .GroupBy(i => i.Service ?? "(no service)", StringComparer.OrdinalIgnoreCase)
            .Select(g => new ServiceFigures(g.First().Service ?? "(no service)", g.Count(), RepeatFactors(g.ToList())))
            .OrderByDescending(s => s.Incidents).ThenBy(s => s.Service, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var durations = windowIncidents
            .Where(i => i.ResolvedAt is not null)
            .GroupBy(i => (i.Severity, Month: MonthOf(i.ResolvedAt!.Value)))
            .Select(g => new DurationPoint(g.Key.Severity, g.Key.Month, g.Count(),
                Average(g.Where(i => i.ImpactStartedAt is not null).Select(i => (i.DeclaredAt - i.ImpactStartedAt!.Value).TotalMinutes)),
                Average(g.Select(i => (i.ResolvedAt!.Value - (i.ImpactStartedAt ?? i.DeclaredAt)).TotalMinutes))))
            .OrderBy(d => workspace.Incidents.SeverityNames.ToList().IndexOf(d.Severity)).ThenBy(d => d.Month)
            .ToList();

        return new ReviewHealth(monthFigures, booked, filled, backlog, services, durations);
    }

    /// <summary>
    /// Factors are the lines (or bullets) of the contributing-factors section, compared without case, punctuation or
    /// list markers; one written in two or more incidents of the service repeats.
    /// </summary>
    private static List<RepeatFactor> RepeatFactors(List<Incident> incidents)
    {
        var seen = new Dictionary<string, (string Text, HashSet<long> Incidents)>(StringComparer.Ordinal);
        foreach (var incident in incidents)
        {
            if (!incident.ReviewSectionTexts().TryGetValue("contributing-factors", out var text))
            {
                continue;
            }

            foreach (var line in text.Split('\n'))
            {
                var shown = line.Trim().TrimStart('-', '*', '+', ' ').Trim().TrimEnd('.', ';', ',');
                var key = new string(shown.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c == ' ').ToArray()).Trim();
                if (key.Length == 0)
                {
                    continue;
                }

                if (!seen.TryGetValue(key, out var entry))
                {
                    entry = (shown, []);
                    seen[key] = entry;
                }

                entry.Incidents.Add(incident.Id);
            }
        }

        return seen.Values.Where(v => v.Incidents.Count > 1)
            .Select(v => new RepeatFactor(v.Text, v.Incidents.Count))
            .OrderByDescending(f => f.Incidents).ThenBy(f => f.Factor, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static double? Average(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : list.Average();
    }

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    private static DateTime Utc(DateOnly day, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
}
