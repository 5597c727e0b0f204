using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace IncidentBot.Web.Console;

/// <summary>Answers 404 for console pages when the console is off, as if they did not exist.</summary>
public sealed class ConsoleGateFilter(ConsoleAccess access) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!access.IsAllowed(context.HttpContext))
        {
            context.Result = new NotFoundResult();
            return;
        }

        await next();
    }
}

/// <summary>Marks a page as part of the console.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConsolePageAttribute() : TypeFilterAttribute(typeof(ConsoleGateFilter));
