using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Web.Access;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Authorization;
using Markdig;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IncidentBot.Web.Pages.Incidents;

/// <summary>An incident's review document, rendered; regenerate it, or download it as Markdown.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class ReviewModel(IMediator mediator) : PageModel
{
    /// <summary>Raw HTML in the Markdown is shown as text: the doc holds people's words.</summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().Build();

    public int Number { get; private set; }

    public string? Html { get; private set; }

    public string? Problem { get; private set; }

    public DateTime? GeneratedAt { get; private set; }

    public string? TemplateErrors { get; private set; }

    /// <summary>Where the incident's review is booked, in words.</summary>
    public string? Booking { get; private set; }

    /// <summary>Whether the person may move, skip, extend or unbook the review (facilitators by default).</summary>
    public bool CanSteerSchedule { get; private set; }

    [TempData]
    public string? Reply { get; set; }

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken cancellationToken)
    {
        Number = number;
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
        try
        {
            var doc = await mediator.Send(new GetReviewDoc(actor, number), cancellationToken);
            var incident = await mediator.Send(new Core.Features.Incidents.GetIncident(actor, number), cancellationToken);
            CanSteerSchedule = incident.Permitted.Contains(Core.Access.IncidentAction.ReviewSchedule);
            Booking = ConsoleCommands.Render(await mediator.Send(new ManageReview(actor, number, Core.Commands.ReviewAction.Show), cancellationToken));
            Html = Markdown.ToHtml(doc.Markdown, Pipeline);
            GeneratedAt = doc.GeneratedAt;
            TemplateErrors = doc.TemplateErrors;
        }
        catch (IncidentNotFoundException notFound)
        {
            Problem = notFound.Message;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    /// <summary>The facilitator controls, the same requests as <c>/incident review …</c>.</summary>
    public async Task<IActionResult> OnPostReviewAsync(int number, string action, DateOnly? date, CancellationToken cancellationToken)
    {
        var actor = WebActor.Required(User);
        var parsed = action switch
        {
            "schedule" => Core.Commands.ReviewAction.Schedule,
            "move" => Core.Commands.ReviewAction.Move,
            "skip" => Core.Commands.ReviewAction.Skip,
            "extend" => Core.Commands.ReviewAction.Extend,
            "unbook" => Core.Commands.ReviewAction.Unbook,
            _ => Core.Commands.ReviewAction.Show,
        };
        try
        {
            Reply = ConsoleCommands.Render(await mediator.Send(new ManageReview(actor, number, parsed, date, Next: parsed == Core.Commands.ReviewAction.Move && date is null), cancellationToken));
        }
        catch (IncidentRuleException rule)
        {
            Reply = ConsoleCommands.Render(rule.Message);
        }

        return Redirect($"/incidents/{number}/review");
    }

    public async Task<IActionResult> OnPostRegenerateAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            Reply = ConsoleCommands.Render(await mediator.Send(new ManageReview(WebActor.Required(User), number, Core.Commands.ReviewAction.Doc), cancellationToken));
        }
        catch (IncidentRuleException rule)
        {
            Reply = ConsoleCommands.Render(rule.Message);
        }

        return Redirect($"/incidents/{number}/review");
    }
}
