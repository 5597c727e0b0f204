using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Web.Console;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages;

/// <summary>The console's home: pick a name, type commands, declare, and see the open incidents.</summary>
[ConsolePage]
public sealed class IndexModel(IMediator mediator, IOptions<IncidentsOptions> incidents) : PageModel
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
        var signedIn = IncidentBot.Web.SignIn.SignInSetup.SignedIn(HttpContext);
        UserName = signedIn?.DisplayName ?? (@switch ? null : ConsoleUser.Current(HttpContext));
        ViewData["User"] = UserName;
        ShowClosed = closed;
        if (UserName is not null)
        {
            Incidents = await mediator.Send(new ListOpenIncidents(signedIn ?? Actor.Console(UserName), IncludeClosed: closed), cancellationToken);
        }

        return Page();
    }

    public IActionResult OnPostName(string? name, string? returnUrl)
    {
        name = name?.Trim().TrimStart('@');
        if (!ConsoleUser.IsValid(name))
        {
            Reply = "Pick a name of letters, digits, '.', '_' or '-' (at most 64).";
            return RedirectToPage();
        }

        ConsoleUser.Set(HttpContext, name!);
        return returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl) : RedirectToPage();
    }

    public async Task<IActionResult> OnPostCommandAsync(string? text, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
        {
            return RedirectToPage();
        }

        var reply = await mediator.Send(new RunChatCommand(actor, ConsoleCommands.Read(text), new ChatLocation("console")), cancellationToken);
        Reply = ConsoleCommands.Describe(reply);
        ReplyIncident = reply.IncidentNumber;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeclareAsync(string? title, string? severity, string? description, string? service, bool isPrivate, CancellationToken cancellationToken)
    {
        if (ConsoleUser.CurrentActor(HttpContext) is not { } actor)
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
