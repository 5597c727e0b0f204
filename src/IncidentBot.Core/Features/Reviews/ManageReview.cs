using IncidentBot.Core.Access;
using System.Globalization;
using System.Text;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// <c>/incident review …</c>: see and steer an incident's review booking. Who may do each is in
/// <c>Incidents:Permissions</c> (<c>ManageReviewHandler.ActionOf</c>); seeing the booking needs only seeing the incident.
/// </summary>
public sealed record ManageReview(Actor Actor, int? Number, ReviewAction Action, DateOnly? Date = null, bool Next = false,
    string? PersonKey = null, string? PersonName = null) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.PersonKey, PersonKey), new(InputField.DisplayName, PersonName)];
}

internal sealed class ManageReviewHandler(IncidentWorkspace workspace, ReviewPlans plans, IMediator mediator, IIncidentLinks links, IReviewStore reviews)
    : IRequestHandler<ManageReview, string>
{
    public async Task<string> Handle(ManageReview request, CancellationToken cancellationToken)
    {
        if (request.Action is ReviewAction.Sessions)
        {
            return await SessionsAsync(request.Actor, cancellationToken);
        }

        var answer = await RunAsync(request, cancellationToken);
        if (request.Action is not (ReviewAction.Schedule or ReviewAction.Doc or ReviewAction.Show))
        {
            await workspace.SaveAsync(cancellationToken); // the calendar, if its revision still holds
        }

        return answer;
    }

    private async Task<string> RunAsync(ManageReview request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number ?? 0, request.Actor, withTimeline: false, cancellationToken);
        if (ActionOf(request.Action) is { } action)
        {
            workspace.Demand(action, incident, request.Actor);
        }

        var now = plans.Now;
        var sessions = await plans.LoadAsync(now, cancellationToken);
        var rules = plans.Rules;
        switch (request.Action)
        {
            case ReviewAction.Show:
                return Describe(incident, sessions);

            case ReviewAction.Schedule:
                if (incident.Status is not (IncidentStatus.Resolved))
                {
                    throw new ReviewRuleException($"{incident.Reference} is {incident.Status.ToWord()}: reviews are booked once an incident is resolved.");
                }

                var booked = await mediator.Send(new BookIncidentReview(incident.Id, Force: true), cancellationToken);
                return booked.Outcome switch
                {
                    BookingOutcome.Booked => $"Review of {incident.Reference} booked for {booked.Session}, slot {booked.Slot}.",
                    BookingOutcome.AlreadyBooked => Describe(incident, sessions),
                    _ => booked.Reason,
                };

            case ReviewAction.Doc:
                if (await ReviewDocFreeze.IsFrozenAsync(reviews, plans, incident.Id, cancellationToken))
                {
                    workspace.Demand(Access.IncidentAction.RefreshFrozenReviewDoc, incident, request.Actor);
                }

                await mediator.Send(new GenerateReviewDoc(incident.Id), cancellationToken);
                var url = links.IncidentUrl(incident.Number);
                return $"Review doc of {incident.Reference} regenerated" + (url is null ? "." : $": {url}/review");

            case ReviewAction.Presenter:
                return SetPresenter(incident, sessions, request);

            case ReviewAction.Notetaker:
                return SetNotetaker(incident, sessions, request);

            case ReviewAction.Present:
                return ConfirmPresenter(incident, sessions, request.Actor);
        }

        var session = ReviewPlanner.SessionOf(sessions, incident.Id)
            ?? throw new ReviewRuleException($"{incident.Reference} has no review booked. {Commands.ChatMarkup.Command("review schedule")} books one.");
        var date = rules.Meeting.LocalDate(session.StartUtc);
        switch (request.Action)
        {
            case ReviewAction.Move:
                var target = request.Next
                    ? rules.Meeting.LocalDate(rules.Meeting.StartsFrom(session.StartUtc.AddMinutes(1)).First())
                    : request.Date ?? throw new ReviewRuleException($"Say where to: {Commands.ChatMarkup.Command("review move 2026-12-01")} or {Commands.ChatMarkup.Command("review move next")}.");
                var moved = ReviewPlanner.Move(sessions, incident.Id, target, rules, now);
                plans.Save(sessions);
                return $"Review of {incident.Reference} moved to {plans.Describe(moved.SessionStartUtc!.Value)}, slot {moved.Slot}.";

            case ReviewAction.Skip:
                var rebooked = ReviewPlanner.Skip(sessions, date, rules, now);
                plans.Save(sessions);
                var ids = rebooked.Select(r => r.IncidentId).ToList();
                var numbers = (await workspace.Store.FindManyAsync(ids, cancellationToken)).ToDictionary(i => i.Id, i => i.Number);
                var sb = new StringBuilder($"The review session on {plans.Describe(session.StartUtc)} is skipped.");
                foreach (var r in rebooked.Where(r => r.SessionStartUtc is not null && numbers.ContainsKey(r.IncidentId)))
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\n• INC-{numbers[r.IncidentId]}: now {plans.Describe(r.SessionStartUtc!.Value)}, slot {r.Slot}");
                }

                return sb.ToString();

            case ReviewAction.Extend:
                ReviewPlanner.Extend(sessions, date, rules, now);
                plans.Save(sessions);
                return $"The session on {plans.Describe(session.StartUtc)} now takes {ReviewPlanner.CapacityOf(session, rules)} incidents.";

            case ReviewAction.Unbook:
                ReviewPlanner.Unbook(sessions, incident.Id);
                plans.Save(sessions);
                return $"{incident.Reference} is no longer on a review agenda.";

            default:
                return Describe(incident, sessions);
        }
    }

    private string Describe(Incident incident, List<SessionPlan> sessions)
    {
        var session = ReviewPlanner.SessionOf(sessions, incident.Id);
        if (session is null)
        {
            return incident.Status == IncidentStatus.Resolved
                ? $"{incident.Reference} has no review booked (it may be below the severity line, {plans.Rules.MinimumSeverity}). {Commands.ChatMarkup.Command("review schedule")} books one."
                : $"{incident.Reference} is {incident.Status.ToWord()}; its review is booked when it is resolved.";
        }

        var frozen = ReviewPlanner.IsFrozen(session, plans.Rules, plans.Now) ? " The agenda is fixed." : string.Empty;
        return $"{incident.Reference} is on the review agenda of {plans.Describe(session.StartUtc)}, slot {session.SlotOf(incident.Id)}.{frozen}";
    }

    private string SetPresenter(Incident incident, List<SessionPlan> sessions, ManageReview request)
    {
        var session = ReviewPlanner.SessionOf(sessions, incident.Id) ?? throw new ReviewRuleException($"{incident.Reference} has no review booked yet.");
        var key = request.PersonKey ?? request.Actor.PersonKey;
        var index = session.Bookings.FindIndex(b => b.IncidentId == incident.Id);
        session.Bookings[index] = session.Bookings[index] with { PresenterKey = key };
        workspace.Remember(key, request.PersonName ?? (key == request.Actor.PersonKey ? request.Actor.DisplayName : null), request.Actor.TenantId);
        plans.Save(sessions);
        return $"{request.PersonName ?? People.FallbackName(key)} presents {incident.Reference} at the review.";
    }

    private string ConfirmPresenter(Incident incident, List<SessionPlan> sessions, Actor actor)
    {
        var plan = ReviewPlanner.SessionOf(sessions, incident.Id) ?? throw new ReviewRuleException($"{incident.Reference} has no review booked yet.");
        var presenter = plan.Bookings.First(b => b.IncidentId == incident.Id).PresenterKey;
        if (presenter != actor.PersonKey)
        {
            throw new ReviewRuleException(presenter is null
                ? $"{incident.Reference} has no presenter yet: {Commands.ChatMarkup.Command("review presenter me")} makes you the presenter."
                : $"Only {incident.Reference}'s presenter confirms they present; {Commands.ChatMarkup.Command("review presenter me")} makes you the presenter.");
        }

        var booking = plans.Session(plan.StartUtc).Bookings.First(b => b.IncidentId == incident.Id);
        booking.PresenterConfirmedAt ??= plans.Now;
        plans.Save(sessions);
        return $"{actor.DisplayName} presents {incident.Reference} at the review on {plans.Describe(plan.StartUtc)}: confirmed.";
    }

    private string SetNotetaker(Incident incident, List<SessionPlan> sessions, ManageReview request)
    {
        var plan = ReviewPlanner.SessionOf(sessions, incident.Id) ?? throw new ReviewRuleException($"{incident.Reference} has no review booked yet.");
        var key = request.PersonKey ?? request.Actor.PersonKey;
        plans.Session(plan.StartUtc).NotetakerKey = key;
        workspace.Remember(key, request.PersonName ?? (key == request.Actor.PersonKey ? request.Actor.DisplayName : null), request.Actor.TenantId);
        plans.Save(sessions);
        return $"{request.PersonName ?? People.FallbackName(key)} takes notes at the review on {plans.Describe(plan.StartUtc)}.";
    }

    private async Task<string> SessionsAsync(Actor actor, CancellationToken cancellationToken)
    {
        var agenda = await mediator.Send(new ListReviewSessions(actor, 4), cancellationToken);
        if (agenda.Count == 0)
        {
            return "No review sessions planned yet.";
        }

        var sb = new StringBuilder("Upcoming incident reviews:");
        foreach (var s in agenda)
        {
            var state = s.Cancelled ? " (cancelled)" : s.Frozen ? " (agenda fixed)" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"\n{s.Describe}{state}");
            foreach (var item in s.Items)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  {item.Slot}. {item.Reference} · {item.Severity} · {item.Title} — {item.Readiness.Describe()}");
            }

            if (s.HiddenCount > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  (+{s.HiddenCount} private)");
            }
        }

        return sb.ToString();
    }

    internal static IncidentAction? ActionOf(ReviewAction action) => action switch
    {
        ReviewAction.Doc => IncidentAction.ReviewDoc,
        ReviewAction.Schedule => IncidentAction.RequestReview,
        ReviewAction.Move or ReviewAction.Skip or ReviewAction.Extend or ReviewAction.Unbook => IncidentAction.ReviewSchedule,
        ReviewAction.Presenter or ReviewAction.Notetaker => IncidentAction.ReviewMeeting,
        _ => null,
    };
}
