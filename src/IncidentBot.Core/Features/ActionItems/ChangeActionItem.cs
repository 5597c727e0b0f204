using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using MediatR;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.ActionItems;

/// <summary>Marks follow-up <paramref name="Item"/> done, or won't do (<paramref name="Reason"/> required).</summary>
public sealed record CloseActionItem(Actor Actor, int Number, long Item, ActionItemStatus To, string? Reason = null) : IRequest<ActionItemChanged>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Reason, Reason)];
}

public sealed record ReopenActionItem(Actor Actor, int Number, long Item) : IRequest<ActionItemChanged>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>Sets the day follow-up <paramref name="Item"/> is due (null: no due date); owners hear of it once it is overdue.</summary>
public sealed record SetActionItemDue(Actor Actor, int Number, long Item, DateOnly? DueOn) : IRequest<ActionItemChanged>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>Links follow-up <paramref name="Item"/> to where its work is tracked.</summary>
public sealed record LinkActionItem(Actor Actor, int Number, long Item, string Link) : IRequest<ActionItemChanged>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Link, Link)];
}

/// <summary>The incident and the follow-up as the change left them.</summary>
public sealed record ActionItemChanged(IncidentSummary Incident, ActionItemView Item);

internal sealed class ChangeActionItemHandler(IncidentWorkspace workspace, IOptions<ReviewsOptions> reviews) :
    IRequestHandler<CloseActionItem, ActionItemChanged>,
    IRequestHandler<ReopenActionItem, ActionItemChanged>,
    IRequestHandler<SetActionItemDue, ActionItemChanged>,
    IRequestHandler<LinkActionItem, ActionItemChanged>
{
    public Task<ActionItemChanged> Handle(CloseActionItem request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Actor, request.Number, request.Item, IncidentAction.CloseActionItem, "follow-up closed",
            (incident, now) => incident.CloseActionItem(request.Item, request.To, request.Reason, request.Actor, now), cancellationToken);

    public Task<ActionItemChanged> Handle(ReopenActionItem request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Actor, request.Number, request.Item, IncidentAction.ReopenActionItem, "follow-up reopened",
            (incident, now) => incident.ReopenActionItem(request.Item, request.Actor, now), cancellationToken);

    public Task<ActionItemChanged> Handle(SetActionItemDue request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Actor, request.Number, request.Item, IncidentAction.ActionItemDue, "follow-up due date set",
            (incident, now) =>
            {
                incident.SetActionItemDue(request.Item, request.DueOn, request.Actor, now);
                if (request.DueOn is not null)
                {
                    // The daily reminder run is pending while any follow-up has a due date; this (re)schedules the one run.
                    workspace.Enqueue(new Outbox.RemindOverdueFollowUps(FollowUpReminders.NextRun(now, reviews.Value)));
                }
            },
            cancellationToken);

    public Task<ActionItemChanged> Handle(LinkActionItem request, CancellationToken cancellationToken) =>
        ChangeAsync(request.Actor, request.Number, request.Item, IncidentAction.ActionItemLink, "follow-up linked",
            (incident, now) => incident.LinkActionItem(request.Item, request.Link, request.Actor, now), cancellationToken);

    private async Task<ActionItemChanged> ChangeAsync(Actor actor, int number, long item, IncidentAction action, string what,
        Action<Incident, DateTime> change, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(number, actor, withTimeline: false, cancellationToken);
        workspace.Demand(action, incident, actor);
        change(incident, workspace.Now);
        var summary = await workspace.CommitAsync(incident, what, actor, cancellationToken);
        var changed = incident.FindActionItem(item);
        var names = await People.NamesAsync(workspace.People, [changed.OwnerKey, changed.CreatedBy], cancellationToken);
        return new ActionItemChanged(summary, ActionItemViews.Of(changed, names));
    }
}

public static class ActionItemViews
{
    public static ActionItemView Of(ActionItem item, IReadOnlyDictionary<string, string> names) =>
        new(item.Id, item.Text, item.OwnerKey is null ? null : People.View(item.OwnerKey, names), item.Status, People.View(item.CreatedBy, names), item.CreatedAt)
        {
            DueOn = item.DueOn,
            Link = item.Link,
            Reason = item.Reason,
            ClosedAt = item.ClosedAt,
        };
}
