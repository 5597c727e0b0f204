using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using MediatR;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>Upcoming review sessions with their agendas, as the actor may see them (private incidents only counted).</summary>
public sealed record ListReviewSessions(Actor Actor, int Count = 8) : IRequest<IReadOnlyList<ReviewSessionView>>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

public sealed record ReviewSessionView(DateTime StartUtc, DateTime EndUtc, string Describe, bool Cancelled, bool Frozen, int Capacity,
    IReadOnlyList<ReviewAgendaItem> Items, int HiddenCount, PersonView? Notetaker);

public sealed record ReviewAgendaItem(int Slot, int Number, string Reference, string Title, string Severity, PersonView? Presenter)
{
    public ReviewReadiness Readiness { get; init; } = new(0, 0, false);
}

internal sealed class ListReviewSessionsHandler(IncidentWorkspace workspace, ReviewPlans plans, IReviewStore reviews) : IRequestHandler<ListReviewSessions, IReadOnlyList<ReviewSessionView>>
{
    public async Task<IReadOnlyList<ReviewSessionView>> Handle(ListReviewSessions request, CancellationToken cancellationToken)
    {
        var now = plans.Now;
        var rules = plans.Rules;
        var starts = rules.Meeting.StartsFrom(now - rules.Meeting.Duration, Math.Clamp(request.Count, 1, 52));
        var (first, last) = (starts[0], starts[starts.Count - 1]);
        var stored = (await reviews.LoadCalendarAsync(first, cancellationToken)).Sessions.Where(s => s.StartUtc <= last).ToList();
        var incidentIds = stored.SelectMany(s => s.Bookings).Select(b => b.IncidentId).Distinct().ToList();
        var visible = (await workspace.Store.FindManyAsync(incidentIds, cancellationToken))
            .Where(i => workspace.CanSee(i, request.Actor)).ToDictionary(i => i.Id);
        var names = await People.NamesAsync(workspace.People, stored.SelectMany(s => s.Bookings.Select(b => b.PresenterKey)).Append(null).Concat(stored.Select(s => s.NotetakerKey)), cancellationToken);

        var readiness = new Dictionary<long, ReviewReadiness>();
        foreach (var booking in stored.SelectMany(s => s.Bookings).Where(b => visible.ContainsKey(b.IncidentId)))
        {
            readiness[booking.IncidentId] = await ReviewReadiness.OfAsync(reviews, visible[booking.IncidentId], booking, cancellationToken);
        }

        return starts.Select(start =>
        {
            var s = stored.FirstOrDefault(x => x.StartUtc == start);
            var plan = new SessionPlan(start) { ExtraCapacity = s?.ExtraCapacity ?? 0, Cancelled = s?.Cancelled ?? false };
            var bookings = s?.Bookings.OrderBy(b => b.Slot).ToList() ?? [];
            var items = bookings.Where(b => visible.ContainsKey(b.IncidentId)).Select(b =>
            {
                var i = visible[b.IncidentId];
                return new ReviewAgendaItem(b.Slot, i.Number, i.Reference, i.Title, i.Severity, b.PresenterKey is null ? null : People.View(b.PresenterKey, names))
                {
                    Readiness = readiness[b.IncidentId],
                };
            }).ToList();
            return new ReviewSessionView(start, rules.Meeting.EndOf(start), plans.Describe(start), plan.Cancelled || (bookings.Count == 0 && ReviewPlanner.IsFrozen(plan, rules, now)),
                ReviewPlanner.IsFrozen(plan, rules, now), ReviewPlanner.CapacityOf(plan, rules), items, bookings.Count - items.Count,
                s?.NotetakerKey is null ? null : People.View(s.NotetakerKey, names));
        }).ToList();
    }
}
