using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Http;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages.Incidents;

/// <summary>One incident: status, roles, members, action items and the whole timeline; commands here imply it.</summary>
[ConsolePage]
public sealed class DetailModel(IMediator mediator, IOptions<IncidentsOptions> incidents, IOptions<FacilitatorOptions> facilitators) : PageModel
{
    public IncidentDetails? Incident { get; private set; }

    public string? NotFoundMessage { get; private set; }

    public int Number { get; private set; }

    public IncidentsOptions IncidentOptions => incidents.Value;

    /// <summary>Facilitators see hidden entries and can hide or correct them.</summary>
    public bool IsFacilitator { get; private set; }

    [TempData]
    public string? Reply { get; set; }

    /// <summary>Timeline filter: one of the labels (status, note, captured, role, update …), or null for everything.</summary>
    public string? Kind { get; private set; }

    public IEnumerable<TimelineEntryView> ShownTimeline =>
        Incident?.Timeline.Where(e => Kind is null || TimelineLabels.Of(e.Kind) == Kind) ?? [];

    public async Task<IActionResult> OnGetAsync(int number, string? kind, CancellationToken cancellationToken)
    {
        Number = number;
        Kind = string.IsNullOrWhiteSpace(kind) ? null : kind;
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return Redirect($"/?returnUrl={Uri.EscapeDataString($"/incidents/{number}")}");
        }

        ViewData["User"] = ConsoleUser.Current(HttpContext);
        IsFacilitator = facilitators.Value.IsFacilitator(actor.PersonKey);
        try
        {
            Incident = await mediator.Send(new GetIncident(actor, number, IncludeHidden: true), cancellationToken);
            return Page();
        }
        catch (IncidentNotFoundException notFound)
        {
            NotFoundMessage = notFound.Message;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
    }

    public async Task<IActionResult> OnPostCommandAsync(int number, string? text, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return Redirect("/");
        }

        var reply = await mediator.Send(new RunChatCommand(actor, text, new ChatLocation("console", ImpliedIncident: number)), cancellationToken);
        Reply = ConsoleReplies.Describe(reply);

        // A declare from an incident page leads to the new incident.
        var target = reply.IncidentNumber ?? number;
        return Redirect($"/incidents/{target}");
    }

    public async Task<IActionResult> OnPostEditAsync(int number, long entryId, string? text, bool? hidden, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return Redirect("/");
        }

        try
        {
            await mediator.Send(new Core.Features.Timeline.EditTimelineEntry(actor, number, entryId, string.IsNullOrWhiteSpace(text) ? null : text, hidden), cancellationToken);
            Reply = hidden switch { true => "Entry hidden (kept in the audit trail).", false => "Entry shown again.", _ => "Entry corrected (the old text is kept in the audit trail)." };
        }
        catch (IncidentRuleException rule)
        {
            Reply = rule.Message;
        }

        return Redirect($"/incidents/{number}");
    }

    /// <summary>Marks or unmarks a key moment: the same request as <c>/incident key &lt;entry #&gt;</c>.</summary>
    public async Task<IActionResult> OnPostKeyAsync(int number, long entryId, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return Redirect("/");
        }

        try
        {
            Reply = await mediator.Send(new Core.Features.Reviews.MarkKeyMoment(actor, number, entryId), cancellationToken);
        }
        catch (IncidentRuleException rule)
        {
            Reply = rule.Message;
        }

        return Redirect($"/incidents/{number}#entry-{entryId}");
    }

    public string Local(DateTime utc) => TimeDisplay.Format(utc, IncidentOptions.Zone);

    public string Zone => IncidentOptions.TimeZone;
}
