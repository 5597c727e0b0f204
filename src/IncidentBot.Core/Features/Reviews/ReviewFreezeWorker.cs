using System.Globalization;
using System.Text;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
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
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>How far back a check normally loads sessions: the last check was a minute ago, less a day of margin.</summary>
    private static readonly TimeSpan LookBack = TimeSpan.FromDays(2);

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
        var workspace = scope.ServiceProvider.GetRequiredService<IncidentWorkspace>();
        var plans = scope.ServiceProvider.GetRequiredService<ReviewPlans>();
        var links = scope.ServiceProvider.GetRequiredService<IIncidentLinks>();
        var reviews = scope.ServiceProvider.GetRequiredService<IReviewStore>();
        var now = plans.Now;

        // The checkpoint starts at the first run, so a new installation never announces sessions from before it existed.
        var from = now - LookBack;
        var sessions = await plans.LoadAsync(from, cancellationToken);
        if (plans.FreezeCheckedUpTo is not { } lastCheck)
        {
            plans.Save([], freezeCheckedUpTo: now);
            return await SaveAsync(workspace, announced: 0, cancellationToken);
        }

        if (lastCheck - TimeSpan.FromDays(1) < from)
        {
            // Behind (the bot was down): look at every session since the last check.
            sessions = await plans.LoadAsync(lastCheck - TimeSpan.FromDays(1), cancellationToken);
        }

        var rules = plans.Rules;
        var due = ReviewPlanner.FreezeDue(sessions, rules, lastCheck, now);
        var announced = 0;
        foreach (var (plan, cancelledForEmpty) in due)
        {
            // Only the replica whose calendar write holds posts: the revision check makes the claim.
            var session = plans.Session(plan.StartUtc);
            if (session.AgendaSentAt is not null)
            {
                continue;
            }

            session.AgendaSentAt = now;
            var text = cancelledForEmpty || plan.Bookings.Count == 0
                ? $"The incident review on {plans.Describe(plan.StartUtc)} is cancelled: nothing is booked for it."
                : await AgendaAsync(workspace, reviews, plans, links, plan, session, cancellationToken);
            workspace.Enqueue(new PostToReviewsChannel(0, text));
            workspace.Enqueue(new SyncReviewCalendarEvent(0, plan.StartUtc, text, cancelledForEmpty || plan.Bookings.Count == 0));
            announced++;
        }

        plans.Save(sessions, freezeCheckedUpTo: now);
        announced = await SaveAsync(workspace, announced, cancellationToken);
        if (announced > 0)
        {
            logger.LogInformation("Announced {Count} review session(s) at their agenda freeze", announced);
        }

        return announced;
    }

    /// <summary>Commits the calendar with its posts; 0 when another replica (or a booking) changed it meanwhile.</summary>
    private static async Task<int> SaveAsync(IncidentWorkspace workspace, int announced, CancellationToken cancellationToken)
    {
        try
        {
            await workspace.SaveAsync(cancellationToken);
            return announced;
        }
        catch (StoreConflictException conflict) when (conflict.Kind == StoreConflictKind.CalendarRevision)
        {
            return 0; // whoever committed announced; the next check looks again
        }
    }

    private static async Task<string> AgendaAsync(IncidentWorkspace workspace, IReviewStore reviews, ReviewPlans plans, IIncidentLinks links, SessionPlan plan, ReviewSession session,
        CancellationToken cancellationToken)
    {
        var ids = plan.Bookings.Select(b => b.IncidentId).ToList();
        var incidents = (await workspace.Store.FindManyAsync(ids, cancellationToken)).ToDictionary(i => i.Id);
        var names = await People.NamesAsync(workspace.People, plan.Bookings.Select(b => b.PresenterKey), cancellationToken);
        var sb = new StringBuilder($"Agenda of the incident review on {plans.Describe(plan.StartUtc)} (fixed now):");
        for (var slot = 0; slot < plan.Bookings.Count; slot++)
        {
            var booking = plan.Bookings[slot];
            var incident = incidents[booking.IncidentId];

            // The agenda goes to a shared channel: a private incident appears without its title.
            var title = incident.IsPrivate ? "(private incident)" : incident.Title;
            var presenter = booking.PresenterKey is null ? "presenter to be chosen" : $"presented by {People.View(booking.PresenterKey, names).Name}";
            var readiness = await ReviewReadiness.OfAsync(reviews, incident, session.Bookings.FirstOrDefault(b => b.IncidentId == incident.Id), cancellationToken);
            sb.Append(CultureInfo.InvariantCulture, $"\n{slot + 1}. {incident.Reference} · {incident.Severity} · {title} — {presenter} ({readiness.Describe()})");
            if (!incident.IsPrivate && links.IncidentUrl(incident.Number) is { } url)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n   doc: {url}/review · timeline: {url}");
            }
        }

        sb.Append("\nPlease read the docs and timelines before the meeting: the time is for discussion.");
        return sb.ToString();
    }
}
