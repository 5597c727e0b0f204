using System.Globalization;
using System.Text;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Timed work for reviews: when a session's agenda freezes, post the agenda (with links to docs and timelines) to
/// the review channels, or announce the session cancelled when nothing is booked. Each session is claimed once in
/// the database, so with several replicas exactly one posts; posts go through the outbox.
/// </summary>
public sealed class ReviewFreezeWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReviewFreezeWorker> logger) : BackgroundService
{
    public const string CheckpointCounter = "reviews.freeze.checked";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Review freeze check failed; trying again in a minute");
            }

            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Sends what froze since the last check; returns how many sessions it announced. Public for tests.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        var plans = scope.ServiceProvider.GetRequiredService<ReviewPlans>();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        var links = scope.ServiceProvider.GetRequiredService<IIncidentLinks>();
        var now = plans.Now;

        // The checkpoint starts at the first run, so a new installation never announces sessions from before it existed.
        var checkpoint = await db.Counters.FirstOrDefaultAsync(c => c.Name == CheckpointCounter, cancellationToken);
        if (checkpoint is null)
        {
            db.Counters.Add(new Counter { Name = CheckpointCounter, Value = new DateTimeOffset(now).ToUnixTimeSeconds() });
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }

        await using var calendar = await plans.LockAsync(cancellationToken);
        var lastCheck = DateTimeOffset.FromUnixTimeSeconds(checkpoint.Value).UtcDateTime;
        var rules = plans.Rules;
        var sessions = await plans.LoadAsync(lastCheck - TimeSpan.FromDays(1), cancellationToken);
        var due = ReviewPlanner.FreezeDue(sessions, rules, lastCheck, now);
        await plans.SaveAsync(sessions, cancellationToken);

        var announced = 0;
        foreach (var (plan, cancelledForEmpty) in due)
        {
            // Claim: only the replica that flips AgendaSentAt posts.
            var claimed = await db.ReviewSessions.Where(s => s.StartUtc == plan.StartUtc && s.AgendaSentAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.AgendaSentAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            var text = cancelledForEmpty || plan.Bookings.Count == 0
                ? $"The incident review on {plans.Describe(plan.StartUtc)} is cancelled: nothing is booked for it."
                : await AgendaAsync(db, plans, links, plan, cancellationToken);
            outbox.Enqueue(db, new PostToReviewsChannel(0, text));
            outbox.Enqueue(db, new SyncReviewCalendarEvent(0, plan.StartUtc, text, cancelledForEmpty || plan.Bookings.Count == 0));
            announced++;
        }

        checkpoint.Value = new DateTimeOffset(now).ToUnixTimeSeconds();
        await db.SaveChangesAsync(cancellationToken);
        await calendar.CommitAsync(cancellationToken);
        if (announced > 0)
        {
            scope.ServiceProvider.GetRequiredService<OutboxSignal>().Raise();
            logger.LogInformation("Announced {Count} review session(s) at their agenda freeze", announced);
        }

        return announced;
    }

    private static async Task<string> AgendaAsync(IncidentDbContext db, ReviewPlans plans, IIncidentLinks links, SessionPlan plan, CancellationToken cancellationToken)
    {
        var ids = plan.Bookings.Select(b => b.IncidentId).ToList();
        var incidents = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var names = await People.NamesAsync(db, plan.Bookings.Select(b => b.PresenterKey), cancellationToken);
        var sb = new StringBuilder($"Agenda of the incident review on {plans.Describe(plan.StartUtc)} (fixed now):");
        for (var slot = 0; slot < plan.Bookings.Count; slot++)
        {
            var booking = plan.Bookings[slot];
            var incident = incidents[booking.IncidentId];

            // The agenda goes to a shared channel: a private incident appears without its title.
            var title = incident.IsPrivate ? "(private incident)" : incident.Title;
            var presenter = booking.PresenterKey is null ? "presenter to be chosen" : $"presented by {People.View(booking.PresenterKey, names).Name}";
            sb.Append(CultureInfo.InvariantCulture, $"\n{slot + 1}. {incident.Reference} · {incident.Severity} · {title} — {presenter}");
            if (!incident.IsPrivate && links.IncidentUrl(incident.Number) is { } url)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n   doc: {url}/review · timeline: {url}");
            }
        }

        sb.Append("\nPlease read the docs and timelines before the meeting: the time is for discussion.");
        return sb.ToString();
    }
}
