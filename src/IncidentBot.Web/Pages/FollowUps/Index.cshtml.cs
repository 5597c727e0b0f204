using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Web.Access;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IncidentBot.Web.Pages.FollowUps;

/// <summary>Follow-ups across incidents, filtered by owner, status and overdue; each can be closed or reopened here.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public FollowUpList List { get; private set; } = new([], default);

    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    /// <summary>open (default), done, wontdo or all.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [TempData]
    public string? Reply { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
        var status = (Status ?? "open").ToLowerInvariant() switch
        {
            "all" => (ActionItemStatus?)null,
            "done" => ActionItemStatus.Done,
            "wontdo" => ActionItemStatus.WontDo,
            _ => ActionItemStatus.Open,
        };
        List = await mediator.Send(new ListFollowUps(actor, string.IsNullOrWhiteSpace(Owner) ? null : Owner, status, Overdue), cancellationToken);
        return Page();
    }

    /// <summary>Done, won't do (with a reason) or reopen, then back to the same filtered list.</summary>
    public async Task<IActionResult> OnPostChangeAsync(int number, long item, string? change, string? reason, CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        try
        {
            var changed = change switch
            {
                "wontdo" => await mediator.Send(new CloseActionItem(actor, number, item, ActionItemStatus.WontDo, reason), cancellationToken),
                "reopen" => await mediator.Send(new ReopenActionItem(actor, number, item), cancellationToken),
                _ => await mediator.Send(new CloseActionItem(actor, number, item, ActionItemStatus.Done), cancellationToken),
            };
            Reply = $"{changed.Incident.Reference} follow-up #{changed.Item.Id} is {changed.Item.StatusWord} now: {changed.Item.Text}";
        }
        catch (IncidentRuleException rule)
        {
            Reply = rule.Message;
        }

        return RedirectToPage(new { Owner, Status, Overdue });
    }
}
