using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace IncidentBot.Web.Console;

/// <summary>Lets people in who are signed in or on the open console; sends others to sign in, or answers 404 when no sign-in is set up.</summary>
public sealed class ConsoleGateFilter(ConsoleAccess access, Microsoft.Extensions.Options.IOptions<WebOptions> web) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!access.IsAllowed(context.HttpContext) && SignIn.SignInSetup.SignedIn(context.HttpContext) is null)
        {
            // Pages need a person: the open console on this machine, or someone signed in.
            var request = context.HttpContext.Request;
            context.Result = web.Value.SignIn.Any
                ? new RedirectResult($"/signin?returnUrl={Uri.EscapeDataString(request.Path + request.QueryString)}")
                : new NotFoundResult();
            return;
        }

        await next();
    }
}

/// <summary>Marks a page as part of the console.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConsolePageAttribute() : TypeFilterAttribute(typeof(ConsoleGateFilter));
