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

/// <summary>
/// An incident's review document: read it, write its sections (Markdown, with a preview), regenerate it, book or
/// move its review, or download it as Markdown.
/// </summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class ReviewModel(IMediator mediator, Microsoft.Extensions.Options.IOptions<Core.Options.FacilitatorOptions> facilitators) : PageModel
{
    /// <summary>Raw HTML in the Markdown is shown as text: the doc holds people's words.</summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().Build();

    public int Number { get; private set; }

    public ReviewDocView? Doc { get; private set; }

    public string? Html { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Where the incident's review is booked, in words.</summary>
    public string? Booking { get; private set; }

    /// <summary>Facilitators may regenerate a doc frozen with the agenda.</summary>
    public bool IsFacilitator { get; private set; }

    /// <summary>Whether the person may move, skip, extend or unbook the review (facilitators by default).</summary>
    public bool CanSteerSchedule { get; private set; }

    /// <summary>The section being previewed (not saved yet), its text as typed and that text rendered.</summary>
    public string? PreviewSection { get; private set; }

    public string? PreviewText { get; private set; }

    public string? PreviewHtml { get; private set; }

    /// <summary>The review meeting's notes and decisions so far.</summary>
    public IReadOnlyList<Core.Features.ReviewNoteView> Notes { get; private set; } = [];

    [TempData]
    public string? Reply { get; set; }

    public static string Render(string markdown) => Markdown.ToHtml(markdown, Pipeline);

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken cancellationToken)
    {
        Number = number;
        await LoadAsync(WebActor.Required(User), number, cancellationToken);
        return Page();
    }

    /// <summary>Saves a section, or (<paramref name="intent"/> = preview) shows it rendered without saving.</summary>
    public async Task<IActionResult> OnPostSectionAsync(int number, string section, string? text, string? intent, CancellationToken cancellationToken)
    {
        Number = number;
        var actor = WebActor.Required(User);
        if (string.IsNullOrWhiteSpace(section))
        {
            // Only a hand-made form lacks it; the page always names the section it edits.
            Reply = "Name the section of the review doc to write in.";
            return Redirect($"/incidents/{number}/review");
        }

        if (intent == "preview")
        {
            PreviewSection = section;
            PreviewText = text ?? string.Empty;
            PreviewHtml = Render(PreviewText);
            await LoadAsync(actor, number, cancellationToken);
            return Page();
        }

        try
        {
            Reply = ConsoleCommands.Render(await mediator.Send(new WriteReviewSection(actor, number, section ?? string.Empty, text ?? string.Empty, Append: false), cancellationToken));
        }
        catch (IncidentRuleException rule)
        {
            Reply = ConsoleCommands.Render(rule.Message);
        }

        return Redirect($"/incidents/{number}/review#section-{section}");
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
            "present" => Core.Commands.ReviewAction.Present,
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

    /// <summary>Records a note or decision of the review meeting, as <c>/incident review note|decision …</c> does.</summary>
    public async Task<IActionResult> OnPostNoteAsync(int number, string? text, bool decision, CancellationToken cancellationToken)
    {
        try
        {
            Reply = ConsoleCommands.Render(await mediator.Send(new RecordReviewNote(WebActor.Required(User), number, text ?? string.Empty, decision), cancellationToken));
        }
        catch (IncidentRuleException rule)
        {
            Reply = ConsoleCommands.Render(rule.Message);
        }

        return Redirect($"/incidents/{number}/review#meeting-notes");
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

    private async Task LoadAsync(Actor actor, int number, CancellationToken cancellationToken)
    {
        ViewData["User"] = actor.DisplayName;
        try
        {
            Doc = await mediator.Send(new GetReviewDoc(actor, number), cancellationToken);
            IsFacilitator = facilitators.Value.IsFacilitator(actor.PersonKey);
            var incident = await mediator.Send(new Core.Features.Incidents.GetIncident(actor, number), cancellationToken);
            CanSteerSchedule = incident.Permitted.Contains(Core.Access.IncidentAction.ReviewSchedule);
            Notes = incident.ReviewNotes;
            Booking = ConsoleCommands.Render(await mediator.Send(new ManageReview(actor, number, Core.Commands.ReviewAction.Show), cancellationToken));
            Html = Render(Doc.Markdown);
        }
        catch (IncidentNotFoundException notFound)
        {
            Problem = notFound.Message;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
