using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using MediatR;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.ActionItems;

/// <summary>
/// Follow-ups across the incidents the actor may see, filtered: <paramref name="Owner"/> (part of a name or a person key;
/// "me" for the actor), <paramref name="Status"/> (null: any), <paramref name="OverdueOnly"/>. Overdue ones first, then
/// by due day, newest incident first.
/// </summary>
public sealed record ListFollowUps(Actor Actor, string? Owner = null, ActionItemStatus? Status = ActionItemStatus.Open, bool OverdueOnly = false)
    : IRequest<FollowUpList>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.DisplayName, Owner)];
}

/// <summary>The matching follow-ups and the day "overdue" is measured against (in the review meeting's time zone).</summary>
public sealed record FollowUpList(IReadOnlyList<FollowUpRow> Rows, DateOnly Today);

/// <summary>One follow-up with its incident, and whether the actor may close (<c>CloseActionItem</c>) or reopen it.</summary>
public sealed record FollowUpRow(int Number, string Reference, string Title, ActionItemView Item, bool Overdue, bool CanClose, bool CanReopen);

internal sealed class ListFollowUpsHandler(IncidentWorkspace workspace, IncidentPermissions permissions, IOptions<ReviewsOptions> reviews)
    : IRequestHandler<ListFollowUps, FollowUpList>
{
    private const int Page = 200;

    public async Task<FollowUpList> Handle(ListFollowUps request, CancellationToken cancellationToken)
    {
        var today = FollowUpReminders.Today(workspace.Now, reviews.Value);
        var visible = new List<Incident>();
        for (var skip = 0; ; skip += Page)
        {
            var page = await workspace.Store.ListAsync(workspace.QueryFor(request.Actor, skip: skip, take: Page), cancellationToken);
            visible.AddRange(page.Items);
            if (page.Items.Count < Page || visible.Count >= page.Total)
            {
                break;
            }
        }

        var withItems = visible.Where(i => i.ActionItems.Count > 0).ToList();
        var names = await People.NamesAsync(workspace.People, withItems.SelectMany(i => i.ActionItems.SelectMany(a => new[] { a.OwnerKey, a.CreatedBy })), cancellationToken);
        var owner = request.Owner?.Trim();
        var rows = new List<FollowUpRow>();
        foreach (var incident in withItems)
        {
            var canClose = permissions.Allows(IncidentAction.CloseActionItem, incident, request.Actor);
            var canReopen = permissions.Allows(IncidentAction.ReopenActionItem, incident, request.Actor);
            foreach (var item in incident.ActionItems)
            {
                if ((request.Status is { } status && item.Status != status) || (request.OverdueOnly && !item.IsOverdue(today)) || !OwnedBy(item, owner, request.Actor, names))
                {
                    continue;
                }

                rows.Add(new FollowUpRow(incident.Number, incident.Reference, incident.Title, ActionItemViews.Of(item, names), item.IsOverdue(today), canClose, canReopen));
            }
        }

        return new FollowUpList(
            rows.OrderByDescending(r => r.Overdue).ThenBy(r => r.Item.DueOn ?? DateOnly.MaxValue).ThenByDescending(r => r.Number).ThenBy(r => r.Item.Id).ToList(),
            today);
    }

    private static bool OwnedBy(ActionItem item, string? owner, Actor actor, IReadOnlyDictionary<string, string> names)
    {
        if (string.IsNullOrEmpty(owner))
        {
            return true;
        }

        if (owner.Equals("me", StringComparison.OrdinalIgnoreCase))
        {
            return item.OwnerKey == actor.PersonKey;
        }

        return item.OwnerKey is { } key
            && (key.Contains(owner, StringComparison.OrdinalIgnoreCase)
                || (names.TryGetValue(key, out var name) && name.Contains(owner, StringComparison.OrdinalIgnoreCase)));
    }
}
