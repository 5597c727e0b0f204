using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.WorkQueue;
using IncidentBot.Core.Options;
using IncidentBot.Web.Access;
using Microsoft.AspNetCore.Authorization;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages.Admin;

/// <summary>Parked work items, for operators to see and facilitators to retry or discard.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class WorkModel(IMediator mediator, TimeProvider clock, IOptions<IncidentsOptions> incidents, IOptions<FacilitatorOptions> facilitators) : PageModel
{
    public ParkedWorkList Parked { get; private set; } = new([], 0);

    /// <summary>Facilitators get the retry and discard buttons (the requests check again).</summary>
    public bool IsFacilitator { get; private set; }

    [TempData]
    public string? Reply { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
        IsFacilitator = facilitators.Value.IsFacilitator(actor.PersonKey);
        Parked = await mediator.Send(new ListParkedWork(actor), cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(actor => new RetryParkedWork(actor, id), cancellationToken);

    public Task<IActionResult> OnPostDiscardAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(actor => new DiscardParkedWork(actor, id), cancellationToken);

    public string Local(DateTime utc) => TimeDisplay.Format(utc, incidents.Value.Zone);

    public string Ago(DateTime utc) => IncidentTexts.Duration(clock.GetUtcNow().UtcDateTime - utc);

    public string Zone => incidents.Value.TimeZone;

    private async Task<IActionResult> ActAsync(Func<Actor, IRequest<string>> request, CancellationToken cancellationToken)
    {
        try
        {
            Reply = await mediator.Send(request(WebActor.Required(User)), cancellationToken);
        }
        catch (IncidentRuleException rule)
        {
            Reply = rule.Message;
        }

        return RedirectToPage();
    }
}
