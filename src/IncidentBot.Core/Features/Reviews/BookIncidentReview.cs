using IncidentBot.Core.Outbox;
using IncidentBot.Core.Reviews;
using MediatR;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Books a closed incident into the next review session that is not frozen and has room (or joins a batch of related
/// incidents); below the severity line only when <see cref="Force"/>d. Tells the incident's channel where it landed.
/// </summary>
public sealed record BookIncidentReview(long IncidentId, bool Force = false) : IRequest<ReviewBookingView>;

public sealed record ReviewBookingView(int Number, BookingOutcome Outcome, DateTime? SessionStartUtc, string? Session, int? Slot, bool JoinedBatch, bool BacklogWarning, string Reason);

internal sealed class BookIncidentReviewHandler(IncidentWorkspace workspace, ReviewPlans plans, IIncidentLinks links) : IRequestHandler<BookIncidentReview, ReviewBookingView>
{
    public async Task<ReviewBookingView> Handle(BookIncidentReview request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadByIdAsync(request.IncidentId, withTimeline: false, cancellationToken);
        var now = plans.Now;
        var sessions = await plans.LoadAsync(now, cancellationToken);
        var lead = incident.CurrentHolder(workspace.Incidents.LeadRole)?.PersonKey;
        var result = ReviewPlanner.Book(sessions, plans.Candidate(incident, lead), plans.Rules, now, request.Force);
        if (result.Outcome == BookingOutcome.Booked)
        {
            plans.Save(sessions);
            var text = $"Review of {incident.Reference} booked for {plans.Describe(result.SessionStartUtc!.Value)}, slot {result.Slot}" +
                (result.JoinedBatch ? " (with related incidents)" : string.Empty) + "." +
                (links.IncidentUrl(incident.Number) is { } url ? $" Review doc, to fill in before the agenda is fixed: {url}/review" : string.Empty);
            workspace.Enqueue(new PostToIncident(incident.Id, text, null));
            if (result.BacklogWarning)
            {
                workspace.Enqueue(new PostToReviewsChannel(0, $"The review backlog grew: the next {plans.Rules.BacklogWarnSessions} sessions are full. Consider batching related incidents, extending a session, or raising the severity line."));
            }

        }

        await workspace.SaveAsync(cancellationToken);
        return new ReviewBookingView(incident.Number, result.Outcome, result.SessionStartUtc,
            result.SessionStartUtc is { } start ? plans.Describe(start) : null, result.Slot, result.JoinedBatch, result.BacklogWarning, result.Reason);
    }
}
