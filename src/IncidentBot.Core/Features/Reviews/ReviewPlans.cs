using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Moves the review calendar between the store and the pure <see cref="ReviewPlanner"/>: load the sessions from a
/// date on as plans, let the planner decide, then put what changed into the request's change. The calendar is
/// written only if nobody changed it since it was read (its revision), so two replicas booking at once never
/// overwrite each other: the loser plans again on fresh data.
/// </summary>
public sealed class ReviewPlans(IReviewStore reviews, IIncidentStore incidents, IncidentWorkspace workspace, IOptions<ReviewsOptions> options,
    IOptions<IncidentsOptions> incidentOptions, TimeProvider clock, ReviewMetrics metrics)
{
    private ReviewCalendarState? _state;
    private readonly Dictionary<DateTime, ReviewSession> _touched = [];

    public ReviewRules Rules => options.Value.Rules(incidentOptions.Value);

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public DateTime? FreezeCheckedUpTo => _state?.FreezeCheckedUpTo;

    public async Task<List<SessionPlan>> LoadAsync(DateTime fromUtc, CancellationToken cancellationToken)
    {
        _state = await reviews.LoadCalendarAsync(fromUtc, cancellationToken);
        _touched.Clear();
        var ids = _state.Sessions.SelectMany(s => s.Bookings).Select(b => b.IncidentId).Distinct().ToList();
        var candidates = (await incidents.FindManyAsync(ids, cancellationToken)).ToDictionary(i => i.Id);
        return _state.Sessions.Select(s => new SessionPlan(s.StartUtc)
        {
            ExtraCapacity = s.ExtraCapacity,
            Cancelled = s.Cancelled,
            Bookings = s.Bookings.OrderBy(b => b.Slot).Where(b => candidates.ContainsKey(b.IncidentId))
                .Select(b => Candidate(candidates[b.IncidentId], b.PresenterKey)).ToList(),
        }).ToList();
    }

    /// <summary>The stored session starting then (created if it is new), to change what the planner does not know: notetaker, agenda sent.</summary>
    public ReviewSession Session(DateTime startUtc)
    {
        var state = _state ?? throw new InvalidOperationException("Load the calendar first.");
        if (!_touched.TryGetValue(startUtc, out var session))
        {
            session = state.Sessions.FirstOrDefault(s => s.StartUtc == startUtc) ?? new ReviewSession { StartUtc = startUtc };
            _touched[startUtc] = session;
        }

        return session;
    }

    /// <summary>Puts the plans (and any sessions changed through <see cref="Session"/>) into the request's change.</summary>
    public void Save(IReadOnlyList<SessionPlan> plans, DateTime? freezeCheckedUpTo = null)
    {
        var state = _state ?? throw new InvalidOperationException("Load the calendar first.");
        var now = Now;
        int booked = 0, cancelled = 0;
        foreach (var plan in plans)
        {
            var stored = state.Sessions.FirstOrDefault(s => s.StartUtc == plan.StartUtc);
            if (stored is null && plan.Bookings.Count == 0 && plan.ExtraCapacity == 0 && !plan.Cancelled && !_touched.ContainsKey(plan.StartUtc))
            {
                continue; // nothing to remember about an untouched session
            }

            booked += plan.Bookings.Count(b => stored?.Bookings.Any(s => s.IncidentId == b.IncidentId) != true);
            cancelled += plan.Cancelled && stored?.Cancelled != true ? 1 : 0;

            var session = Session(plan.StartUtc);
            var before = session.Bookings.ToDictionary(b => b.IncidentId);
            foreach (var arrived in plan.Bookings.Where(b => !before.ContainsKey(b.IncidentId)))
            {
                // Booked into (or moved to) this session: its presenter is reminded before this session's agenda freezes.
                // Booked later than that, the booking's own post already asks for the doc.
                var due = plan.StartUtc - Rules.AgendaFreeze - TimeSpan.FromHours(options.Value.PresenterReminderHours);
                if (due > now)
                {
                    workspace.Enqueue(new Outbox.RemindReviewPresenter(arrived.IncidentId, plan.StartUtc, due));
                }
            }

            session.ExtraCapacity = plan.ExtraCapacity;
            session.Cancelled = plan.Cancelled;
            session.Bookings = plan.Bookings.Select((b, i) =>
            {
                var was = before.GetValueOrDefault(b.IncidentId);
                return new ReviewBooking
                {
                    IncidentId = b.IncidentId,
                    Slot = i + 1,
                    PresenterKey = b.PresenterKey,
                    BookedAt = was?.BookedAt ?? now,
                    PresenterConfirmedAt = was is not null && was.PresenterKey == b.PresenterKey ? was.PresenterConfirmedAt : null,
                };
            }).ToList();
        }

        // Counted as the change is built: a save lost to a concurrent one is planned again, and may count twice.
        metrics.Saved(booked, cancelled);
        workspace.Change.Calendar = new CalendarWrite(state.Revision, _touched.Values.OrderBy(s => s.StartUtc).ToList(),
            freezeCheckedUpTo ?? state.FreezeCheckedUpTo);
    }

    public ReviewCandidate Candidate(Incident incident, string? presenter) => new(
        incident.Id, incident.Number, incident.Severity, incident.Service, [],
        incident.Status is IncidentStatus.Cancelled or IncidentStatus.Duplicate,
        incident.ResolvedAt ?? incident.ClosedAt ?? Now, presenter);

    /// <summary>"Tuesday 2026-11-24 16:00 Europe/Berlin".</summary>
    public string Describe(DateTime startUtc)
    {
        var meeting = Rules.Meeting;
        var local = meeting.LocalStart(startUtc);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{local:dddd yyyy-MM-dd HH:mm} {meeting.Zone.Id}");
    }
}
