using System.Text.Encodings.Web;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Reviews;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Access;

/// <summary>
/// A calendar app follows a secret link (<c>/reviews/feed/{token}.ics</c>) and sends no headers: the token in the path
/// is the person. An unknown or revoked link is a 404, so a link cannot be told apart from one that never existed.
/// </summary>
public sealed class CalendarFeedHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string TokenRouteValue = "token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.GetRouteValue(TokenRouteValue) is not string token)
        {
            return AuthenticateResult.NoResult();
        }

        try
        {
            var mediator = Context.RequestServices.GetRequiredService<IMediator>();
            return await mediator.Send(new ResolveCalendarFeed(token), Context.RequestAborted) is { } actor
                ? AuthenticateResult.Success(new AuthenticationTicket(WebAuthentication.Principal(actor, Scheme.Name), Scheme.Name))
                : AuthenticateResult.Fail("No live calendar feed has that token.");
        }
        catch (IncidentRuleException refused)
        {
            // A token no feed could have (the input limits refuse it).
            return AuthenticateResult.Fail(refused.Message);
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
