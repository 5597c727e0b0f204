using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using MediatR;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Timed work (<see cref="RemindReviewPresenter"/>): tells the presenter, in the incident's channel, which doc sections are
/// still empty before the agenda freezes. Nothing when the incident is no longer booked for that session or the doc is filled.
/// </summary>
public sealed record RemindPresenter(long IncidentId, DateTime SessionStartUtc) : IRequest<string>;

internal sealed class RemindPresenterHandler(IncidentWorkspace workspace, IReviewStore reviews, ReviewPlans plans, IIncidentLinks links)
    : IRequestHandler<RemindPresenter, string>
{
    public async Task<string> Handle(RemindPresenter request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadByIdAsync(request.IncidentId, withTimeline: false, cancellationToken);
        var session = await reviews.FindBookingSessionAsync(incident.Id, cancellationToken);
        if (session is null || session.StartUtc != request.SessionStartUtc)
        {
            return "no longer booked for that session";
        }

        var booking = session.Bookings.First(b => b.IncidentId == incident.Id);
        if (booking.PresenterKey is null)
        {
            return "no presenter to remind";
        }

        var readiness = await ReviewReadiness.OfAsync(reviews, incident, booking, cancellationToken);
        if (readiness.DocFilled)
        {
            return "doc filled: no reminder needed";
        }

        var names = await People.NamesAsync(workspace.People, [booking.PresenterKey], cancellationToken);
        var freeze = session.StartUtc - plans.Rules.AgendaFreeze;
        var url = links.IncidentUrl(incident.Number);
        workspace.Enqueue(new PostToIncident(incident.Id,
            $"Reminder for {People.View(booking.PresenterKey, names).Name}, presenting {incident.Reference} at the review on {plans.Describe(session.StartUtc)}: "
            + $"the doc has {readiness.SectionsFilled} of {readiness.Sections} sections filled, and its agenda is fixed at {freeze:yyyy-MM-dd HH:mm} UTC."
            + (url is null ? string.Empty : $" Fill it in: {url}/review"), null));
        await workspace.SaveAsync(cancellationToken);
        return "presenter reminded";
    }
}
