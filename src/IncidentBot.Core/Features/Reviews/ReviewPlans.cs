using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Moves the review calendar between the database and the pure <see cref="ReviewPlanner"/>: load the sessions from
/// now on as plans, let the planner decide, then write back what changed.
/// </summary>
public sealed class ReviewPlans(IncidentDbContext db, IOptions<ReviewsOptions> reviews, IOptions<IncidentsOptions> incidents, TimeProvider clock)
{
    public const string LockCounter = "reviews.lock";

    public ReviewRules Rules => reviews.Value.Rules(incidents.Value);

    /// <summary>
    /// Starts a transaction that holds the review calendar until it commits: bumping one counter row takes a row lock
    /// on PostgreSQL and the write lock on SQLite, so two replicas booking at once cannot overwrite each other's plan.
    /// </summary>
    public async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> LockAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO counters ("Name", "Value") VALUES ({LockCounter}, 0) ON CONFLICT ("Name") DO NOTHING""", cancellationToken);
        await db.Counters.Where(c => c.Name == LockCounter).ExecuteUpdateAsync(u => u.SetProperty(c => c.Value, c => c.Value + 1), cancellationToken);
        return transaction;
    }

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<List<SessionPlan>> LoadAsync(DateTime fromUtc, CancellationToken cancellationToken)
    {
        var sessions = await db.ReviewSessions.AsNoTracking().Include(s => s.Bookings)
            .Where(s => s.StartUtc >= fromUtc)
            .OrderBy(s => s.StartUtc)
            .ToListAsync(cancellationToken);
        var ids = sessions.SelectMany(s => s.Bookings).Select(b => b.IncidentId).ToList();
        var candidates = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        return sessions.Select(s => new SessionPlan(s.StartUtc)
        {
            ExtraCapacity = s.ExtraCapacity,
            Cancelled = s.Cancelled,
            Bookings = s.Bookings.OrderBy(b => b.Slot).Where(b => candidates.ContainsKey(b.IncidentId))
                .Select(b => Candidate(candidates[b.IncidentId], b.PresenterKey)).ToList(),
        }).ToList();
    }

    public async Task SaveAsync(IReadOnlyList<SessionPlan> plans, CancellationToken cancellationToken)
    {
        // 1. The sessions: create the ones the planner started using, carry extensions and cancellations.
        var starts = plans.Select(p => p.StartUtc).ToList();
        var sessions = await db.ReviewSessions.Where(s => starts.Contains(s.StartUtc)).ToListAsync(cancellationToken);
        foreach (var plan in plans)
        {
            var session = sessions.FirstOrDefault(s => s.StartUtc == plan.StartUtc);
            if (session is null)
            {
                if (plan.Bookings.Count == 0 && plan.ExtraCapacity == 0 && !plan.Cancelled)
                {
                    continue; // nothing to remember about an untouched session
                }

                session = new ReviewSession { StartUtc = plan.StartUtc };
                db.ReviewSessions.Add(session);
                sessions.Add(session);
            }

            session.ExtraCapacity = plan.ExtraCapacity;
            session.Cancelled = plan.Cancelled;
        }

        await db.SaveChangesAsync(cancellationToken);

        // 2. The bookings, by foreign key: a move is a changed SessionId, never a delete and re-insert.
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var planned = plans.SelectMany(p => p.Bookings.Select(b => b.IncidentId)).ToList();
        var bookings = await db.ReviewBookings.Where(b => sessionIds.Contains(b.SessionId) || planned.Contains(b.IncidentId)).ToListAsync(cancellationToken);
        var now = Now;
        foreach (var plan in plans)
        {
            if (sessions.FirstOrDefault(s => s.StartUtc == plan.StartUtc) is not { } session)
            {
                continue;
            }

            for (var slot = 0; slot < plan.Bookings.Count; slot++)
            {
                var candidate = plan.Bookings[slot];
                var booking = bookings.FirstOrDefault(b => b.IncidentId == candidate.IncidentId);
                if (booking is null)
                {
                    booking = new ReviewBooking { IncidentId = candidate.IncidentId, BookedAt = now };
                    db.ReviewBookings.Add(booking);
                    bookings.Add(booking);
                }

                booking.SessionId = session.Id;
                booking.Slot = slot + 1;
                booking.PresenterKey = candidate.PresenterKey;
            }
        }

        foreach (var dropped in bookings.Where(b => !planned.Contains(b.IncidentId) && sessionIds.Contains(b.SessionId)))
        {
            db.ReviewBookings.Remove(dropped);
        }

        await db.SaveChangesAsync(cancellationToken);
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
