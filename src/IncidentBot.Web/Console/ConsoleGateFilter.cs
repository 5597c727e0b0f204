using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace IncidentBot.Web.Console;

/// <summary>
/// Lets people in who are signed in, or anyone while the console is open; sends others to sign in, or answers 404 when
/// no sign-in is set up or the console is off.
/// </summary>
public sealed class ConsoleGateFilter(ConsoleAccess access, Microsoft.Extensions.Options.IOptions<WebOptions> web) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!access.Enabled)
        {
            context.Result = new NotFoundResult();
            return;
        }

        if (!access.Open && SignIn.SignInSetup.SignedIn(context.HttpContext) is null)
        {
            // Pages need a person: someone signed in, or a typed name on the open console.
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
