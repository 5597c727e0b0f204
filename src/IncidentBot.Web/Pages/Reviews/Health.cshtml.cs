using IncidentBot.Core.Features.Reviews;
using IncidentBot.Web.Access;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IncidentBot.Web.Pages.Reviews;

/// <summary>"Is it working?": the review figures of the last months, drawn; the figures come from <see cref="GetReviewHealth"/>.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class HealthModel(IMediator mediator) : PageModel
{
    public ReviewHealth Health { get; private set; } = new([], 0, 0, [], [], []);

    [BindProperty(SupportsGet = true)]
    public int Months { get; set; } = 4;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
        Health = await mediator.Send(new GetReviewHealth(actor, Math.Clamp(Months, 1, 24)), cancellationToken);
        return Page();
    }
}
