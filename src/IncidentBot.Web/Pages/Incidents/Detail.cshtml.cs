using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Web.Access;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages.Incidents;

/// <summary>One incident: status, roles, members, action items and the whole timeline; commands here imply it.</summary>
[Authorize(Policy = WebAuthentication.ConsolePolicy)]
public sealed class DetailModel(IMediator mediator, IOptions<IncidentsOptions> incidents) : PageModel
{
    public IncidentDetails? Incident { get; private set; }

    public string? NotFoundMessage { get; private set; }

    public int Number { get; private set; }

    public IncidentsOptions IncidentOptions => incidents.Value;

    /// <summary>Who may hide or correct entries (facilitators by default) sees hidden ones and the controls.</summary>
    public bool CanEditTimeline => Incident?.Permitted.Contains(Core.Access.IncidentAction.EditTimeline) == true;

    [TempData]
    public string? Reply { get; set; }

    /// <summary>The command line as typed, kept when it was refused so it can be fixed rather than typed again.</summary>
    [TempData]
    public string? Typed { get; set; }

    /// <summary>Timeline filter: one of the labels (status, note, captured, role, update …), or null for everything.</summary>
    public string? Kind { get; private set; }

    public IEnumerable<TimelineEntryView> ShownTimeline =>
        Incident?.Timeline.Where(e => Kind is null || TimelineLabels.Of(e.Kind) == Kind) ?? [];

    public async Task<IActionResult> OnGetAsync(int number, string? kind, CancellationToken cancellationToken)
    {
        Number = number;
        Kind = string.IsNullOrWhiteSpace(kind) ? null : kind;
        var actor = WebActor.Required(User);
        ViewData["User"] = actor.DisplayName;
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

    /// <summary>Server-sent events: this incident changed (the page fetches itself again, as the viewer).</summary>
    public async Task<IActionResult> OnGetLiveAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            var id = (await mediator.Send(new GetIncident(WebActor.Required(User), number), cancellationToken)).Summary.Id;
            return await LiveEvents.StreamAsync(HttpContext, changed => changed == id);
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
    }

    public async Task<IActionResult> OnPostCommandAsync(int number, string? text, CancellationToken cancellationToken)
    {
        var reply = await mediator.Send(new RunChatCommand(WebActor.Required(User), ConsoleCommands.Read(text), new ChatLocation("console", ImpliedIncident: number)), cancellationToken);
        Reply = ConsoleCommands.Describe(reply);
        Typed = ConsoleCommands.Kept(reply, text);

        // A declare from an incident page leads to the new incident.
        var target = reply.IncidentNumber ?? number;
        return Redirect($"/incidents/{target}");
    }

    public async Task<IActionResult> OnPostEditAsync(int number, long entryId, string? text, bool? hidden, CancellationToken cancellationToken)
    {
        try
        {
            await mediator.Send(new Core.Features.Timeline.EditTimelineEntry(WebActor.Required(User), number, entryId, string.IsNullOrWhiteSpace(text) ? null : text, hidden), cancellationToken);
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
        try
        {
            Reply = ConsoleCommands.Render(await mediator.Send(new Core.Features.Reviews.MarkKeyMoment(WebActor.Required(User), number, entryId), cancellationToken));
        }
        catch (IncidentRuleException rule)
        {
            Reply = ConsoleCommands.Render(rule.Message);
        }

        return Redirect($"/incidents/{number}#entry-{entryId}");
    }

    public string Local(DateTime utc) => TimeDisplay.Format(utc, IncidentOptions.Zone);

    public string Zone => IncidentOptions.TimeZone;
}
