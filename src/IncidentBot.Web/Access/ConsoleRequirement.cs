using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Web.Access;

/// <summary>
/// The console is on, and someone is asking; on its home page, while the console is open, also a visitor who has not
/// typed a name yet (the page asks for one).
/// </summary>
public sealed record ConsoleRequirement(bool NameFormAllowed) : IAuthorizationRequirement;

internal sealed class ConsoleRequirementHandler(ConsoleAccess access) : AuthorizationHandler<ConsoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsoleRequirement requirement)
    {
        if (access.Enabled && (WebActor.Of(context.User) is not null || (requirement.NameFormAllowed && access.Open)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A console that is off, or that nobody could sign in to (closed, no <c>Web:SignIn</c> provider, no
/// <c>Web:ApiTokens</c>), answers 404 rather than sending people to a sign-in page with nothing on it.
/// </summary>
internal sealed class ConsoleAuthorizationResultHandler(ConsoleAccess access) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && policy.Requirements.OfType<ConsoleRequirement>().Any() &&
            (!access.Enabled || (WebActor.Of(context.User) is null && !access.Open && !access.CanSignIn)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
