using System.Text.Json;
using IncidentBot.Core.Input;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// <c>POST /api/messages</c>: Bot Framework activities. Malformed → 400, unauthenticated → 401, a service URL the bot
/// may not call → 403, each with a log line.
/// </summary>
public static class TeamsEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/messages", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsEndpoints));
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            logger.LogWarning("Teams activity refused: body of {Length} bytes is too large", http.Request.ContentLength);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        TeamsActivity? activity;
        string? problem;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
            if (JsonInput.HasBrokenText(document.RootElement))
            {
                activity = null;
                problem = "a string holds invalid UTF-16 (a lone surrogate)";
            }
            else
            {
                activity = TeamsActivity.TryParse(document.RootElement, out problem);
            }
        }
        catch (JsonException ex)
        {
            activity = null;
            problem = $"not JSON ({ex.Message})";
        }

        if (activity is null)
        {
            logger.LogWarning("Teams activity refused with 400: {Problem}", problem);
            return Results.BadRequest(new { error = $"malformed activity: {problem}" });
        }

        var inbound = http.RequestServices.GetRequiredService<TeamsInbound>();
        TeamsAck ack;
        try
        {
            ack = await inbound.HandleAsync(activity, http.Request.Headers.Authorization.ToString() is { Length: > 0 } h ? h : null, cancellationToken);
        }
        catch (InputRefusedException refused)
        {
            // An id or name no Teams client sends (ten thousand characters, control characters): refused before any write.
            logger.LogWarning("Teams activity {Type} refused with 400: {Reason}", activity.Type, refused.Message);
            return Results.BadRequest(new { error = refused.Message });
        }

        if (ack.StatusCode == StatusCodes.Status401Unauthorized)
        {
            logger.LogWarning("Teams activity {Type} refused with 401: {Reason} (from {Remote})", activity.Type, ack.Reason, http.Connection.RemoteIpAddress);
            return Results.Unauthorized();
        }

        if (ack.StatusCode == StatusCodes.Status403Forbidden)
        {
            logger.LogWarning("Teams activity {Type} refused with 403: {Reason} (from {Remote})", activity.Type, ack.Reason, http.Connection.RemoteIpAddress);
            return Results.Json(new { error = ack.Reason }, statusCode: StatusCodes.Status403Forbidden);
        }

        if (ack.StatusCode == StatusCodes.Status400BadRequest)
        {
            logger.LogWarning("Teams activity refused with 400: {Reason}", ack.Reason);
            return Results.BadRequest(new { error = ack.Reason });
        }

        return ack.Body is null ? Results.Ok() : Results.Json(ack.Body);
    }
}
