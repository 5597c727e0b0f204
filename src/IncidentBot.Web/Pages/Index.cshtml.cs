using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Web.Access;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Authorization;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages;

/// <summary>The console's home: pick a name, type commands, declare, and find incidents (search, filters, pages).</summary>
[Authorize(Policy = WebAuthentication.ConsoleHomePolicy)]
public sealed class IndexModel(IMediator mediator, IOptions<IncidentsOptions> incidents, ConsoleAccess console) : PageModel
{
    public string? UserName { get; private set; }

    /// <summary>The index as asked for; the status defaults to open incidents.</summary>
    public IncidentFilter Filter { get; private set; } = new(Status: "open");

    public IncidentIndexPage? Found { get; private set; }

    /// <summary>Why the filter could not be applied (an unknown status or severity in a hand-made link).</summary>
    public string? FilterProblem { get; private set; }

    public IncidentsOptions IncidentOptions => incidents.Value;

    [TempData]
    public string? Reply { get; set; }

    [TempData]
    public int? ReplyIncident { get; set; }

    /// <summary>The command line as typed, kept when it was refused so it can be fixed rather than typed again.</summary>
    [TempData]
    public string? Typed { get; set; }

    // "page" is Razor Pages' own route value (the page's path): the page number is read from the query string by name.
    public async Task<IActionResult> OnGetAsync(
        bool @switch, string? q, string? status, string? severity, string? service, DateOnly? from, DateOnly? to,
        [FromQuery(Name = "page")] int pageNumber, CancellationToken cancellationToken)
    {
        // On the open console a person may switch to another typed name; a signed-in person is who they signed in as.
        var actor = @switch && WebActor.TypedName(User) ? null : WebActor.Of(User);
        UserName = actor?.DisplayName;
        ViewData["User"] = UserName;
        Filter = new IncidentFilter(Blank(q), Request.Query.ContainsKey("status") ? Blank(status) ?? "all" : "open", Blank(severity), Blank(service), from, to);
        if (actor is not null)
        {
            try
            {
                Found = await mediator.Send(new FindIncidents(actor, Filter, Math.Max(1, pageNumber)), cancellationToken);
            }
            catch (IncidentRuleException problem)
            {
                FilterProblem = problem.Message;
            }
        }

        return Page();
    }

    /// <summary>Server-sent events: any incident changed (the page fetches itself again, as the viewer).</summary>
    public async Task<IActionResult> OnGetLiveAsync() =>
        WebActor.Of(User) is null ? Unauthorized() : await LiveEvents.StreamAsync(HttpContext, _ => true);

    /// <summary>A link to this index with the current filter, changed by <paramref name="page"/> or another status.</summary>
    public string Link(int? page = null, string? status = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("q", Filter.Search);
        Add("status", status ?? Filter.Status ?? "all");
        Add("severity", Filter.Severity);
        Add("service", Filter.Service);
        Add("from", Filter.DeclaredFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", Filter.DeclaredTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (page is > 1)
        {
            Add("page", page.Value.ToString(CultureInfo.InvariantCulture));
        }

        return "/?" + string.Join('&', parts);
    }

    /// <summary>What the heading says: which incidents, and how many match in all.</summary>
    public string Heading => (Filter.Status ?? "all") switch
    {
        "open" => "Open incidents",
        "closed" => "Closed incidents",
        "all" => "All incidents",
        var word => $"Incidents {word}",
    };

    public bool IsNarrowed => Filter.Search is not null || Filter.Severity is not null || Filter.Service is not null ||
        Filter.DeclaredFrom is not null || Filter.DeclaredTo is not null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

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

        var reply = await mediator.Send(new RunChatCommand(actor, ConsoleCommands.Read(text), new ChatLocation("console")), cancellationToken);
        Reply = ConsoleCommands.Describe(reply);
        ReplyIncident = reply.IncidentNumber;
        Typed = ConsoleCommands.Kept(reply, text);
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
