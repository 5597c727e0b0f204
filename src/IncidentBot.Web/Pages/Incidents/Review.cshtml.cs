using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Web.Console;
using Markdig;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IncidentBot.Web.Pages.Incidents;

/// <summary>An incident's review document, rendered; regenerate it, or download it as Markdown.</summary>
[ConsolePage]
public sealed class ReviewModel(IMediator mediator) : PageModel
{
    /// <summary>Raw HTML in the Markdown is shown as text: the doc holds people's words.</summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().Build();

    public int Number { get; private set; }

    public string? Html { get; private set; }

    public string? Problem { get; private set; }

    public DateTime? GeneratedAt { get; private set; }

    public string? TemplateErrors { get; private set; }

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken cancellationToken)
    {
        Number = number;
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return Redirect($"/?returnUrl={Uri.EscapeDataString($"/incidents/{number}/review")}");
        }

        ViewData["User"] = actor.DisplayName;
        try
        {
            var doc = await mediator.Send(new GetReviewDoc(actor, number), cancellationToken);
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

    public async Task<IActionResult> OnPostRegenerateAsync(int number, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is { } actor)
        {
            await mediator.Send(new ManageReview(actor, number, Core.Commands.ReviewAction.Doc), cancellationToken);
        }

        return Redirect($"/incidents/{number}/review");
    }
}
