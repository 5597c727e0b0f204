using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Web.Access;
using Microsoft.AspNetCore.Authorization;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages;

/// <summary>The console's home: pick a name, type commands, declare, and see the open incidents.</summary>
[Authorize(Policy = WebAuthentication.ConsoleHomePolicy)]
public sealed class IndexModel(IMediator mediator, IOptions<IncidentsOptions> incidents, ConsoleAccess console) : PageModel
{
    public string? UserName { get; private set; }

    public bool ShowClosed { get; private set; }

    public IReadOnlyList<IncidentSummary> Incidents { get; private set; } = [];

    public IncidentsOptions IncidentOptions => incidents.Value;

    [TempData]
    public string? Reply { get; set; }

    [TempData]
    public int? ReplyIncident { get; set; }

    public async Task<IActionResult> OnGetAsync(bool closed, bool @switch, CancellationToken cancellationToken)
    {
        // On the open console a person may switch to another typed name; a signed-in person is who they signed in as.
        var actor = @switch && WebActor.TypedName(User) ? null : WebActor.Of(User);
        UserName = actor?.DisplayName;
        ViewData["User"] = UserName;
        ShowClosed = closed;
        if (actor is not null)
        {
            Incidents = await mediator.Send(new ListOpenIncidents(actor, IncludeClosed: closed), cancellationToken);
        }

        return Page();
    }

    public IActionResult OnPostName(string? name, string? returnUrl)
    {
        if (!console.Open)
        {
            // Only the open console trusts a typed name; anywhere else the name would be ignored.
            return NotFound();
        }

        name = name?.Trim().TrimStart('@');
        if (!ConsoleNameHandler.IsValid(name))
        {
            Reply = "Pick a name of letters, digits, '.', '_' or '-' (at most 64).";
            return RedirectToPage();
        }

        ConsoleNameHandler.Remember(HttpContext, name!);
        return returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl) : RedirectToPage();
    }

    public async Task<IActionResult> OnPostCommandAsync(string? text, CancellationToken cancellationToken)
    {
        if (WebActor.Of(User) is not { } actor)
        {
            return RedirectToPage();
        }

        var reply = await mediator.Send(new RunChatCommand(actor, text, new ChatLocation("console")), cancellationToken);
        Reply = ConsoleReplies.Describe(reply);
        ReplyIncident = reply.IncidentNumber;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeclareAsync(string? title, string? severity, string? description, string? service, bool isPrivate, CancellationToken cancellationToken)
    {
        if (WebActor.Of(User) is not { } actor)
        {
            return RedirectToPage();
        }

        try
        {
            var declared = await mediator.Send(new DeclareIncident(actor, title ?? string.Empty, severity, description, service, isPrivate), cancellationToken);
            Reply = $"{declared.Reference} declared ({declared.Severity}): {declared.Title}";
            return RedirectToPage("/Incidents/Detail", new { number = declared.Number });
        }
        catch (IncidentRuleException rule)
        {
            Reply = rule.Message;
            return RedirectToPage();
        }
    }
}

internal static class ConsoleReplies
{
    /// <summary>The console shows ephemeral and public replies alike; it says which, as Slack would.</summary>
    public static string Describe(ChatReply reply) =>
        reply.OpenDeclareForm ? "Use the declare form below." : reply.Text;
}
