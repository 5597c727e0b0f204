using IncidentBot.Core.Features.Reviews;
using IncidentBot.Web.Access;
using Microsoft.AspNetCore.Authorization;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IncidentBot.Web.Pages.Reviews;

/// <summary>Upcoming incident reviews with their agendas, and the person's own calendar link.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class IndexModel(IMediator mediator, PublicUrls urls) : PageModel
{
    public IReadOnlyList<ReviewSessionView> Sessions { get; private set; } = [];

    [TempData]
    public string? FeedUrl { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
        Sessions = await mediator.Send(new ListReviewSessions(actor, 6), cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostFeedAsync(CancellationToken cancellationToken)
    {
        var token = await mediator.Send(new CreateCalendarFeed(WebActor.Required(User)), cancellationToken);
        FeedUrl = $"{urls.BaseUrl}/reviews/feed/{token}.ics";
        return RedirectToPage();
    }
}
