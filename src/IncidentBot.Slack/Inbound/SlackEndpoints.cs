using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// <c>/slack/commands</c>, <c>/slack/interactions</c>, <c>/slack/events</c>: verify the signature on the raw bytes,
/// then hand the parsed payload to <see cref="SlackInbound"/>. Bad signatures get 401, malformed bodies 400, each
/// with a log line, and nothing is stored. A form the ack asks for is opened once the response has been sent.
/// </summary>
public static class SlackEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/slack");
        group.MapPost("/commands", (HttpContext http, CancellationToken _) => HandleAsync(http, "command", static (body, inbound, ct) =>
            inbound.CommandAsync(ParseForm(body), ct)));
        group.MapPost("/interactions", (HttpContext http, CancellationToken _) => HandleAsync(http, "interaction", static async (body, inbound, ct) =>
        {
            var form = ParseForm(body);
            if (!form.TryGetValue("payload", out var payload))
            {
                throw new FormatException("no payload field");
            }

            using var document = JsonDocument.Parse(payload);
            return await inbound.InteractionAsync(document.RootElement, ct);
        }));
        group.MapPost("/events", (HttpContext http, CancellationToken _) => HandleAsync(http, "event", static async (body, inbound, ct) =>
        {
            using var document = JsonDocument.Parse(body);
            return await inbound.EventAsync(document.RootElement, ct);
        }));
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string what, Func<byte[], SlackInbound, CancellationToken, Task<SlackAck>> route)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        // Made only when there is something to say: naming the category costs an allocation per request.
        ILogger Logger() => services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints));
        if (!options.HttpEnabled)
        {
            return Results.NotFound();
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            Logger().LogWarning("Slack {What} refused: body of {Length} bytes is too large", what, http.Request.ContentLength);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
        {
            Logger().LogWarning("Slack {What} refused: body larger than {Max} bytes", what, MaxBodyBytes);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var clock = services.GetRequiredService<TimeProvider>();
        var check = SlackSignature.Verify(options.SigningSecret!, http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body, clock.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            Logger().LogWarning("Slack {What} refused with 401: signature {Check} (from {Remote})", what, check, http.Connection.RemoteIpAddress);
            return Results.Unauthorized();
        }

        if (http.Request.Headers.TryGetValue("X-Slack-Retry-Num", out var retry))
        {
            Logger().LogInformation("Slack retry {Retry} of a {What} ({Reason})", retry.ToString(), what, http.Request.Headers["X-Slack-Retry-Reason"].ToString());
        }

        SlackAck ack;
        try
        {
            ack = await route(body, services.GetRequiredService<SlackInbound>(), http.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or Core.Input.InputRefusedException)
        {
            Logger().LogWarning("Slack {What} refused with 400: malformed body ({Error})", what, ex.Message);
            return Results.BadRequest(new { error = "malformed payload" });
        }

        if (ack.StatusCode == StatusCodes.Status400BadRequest)
        {
            return Results.Json(ack.Body, statusCode: StatusCodes.Status400BadRequest);
        }

        if (ack.Form is { } form)
        {
            // Once the response is complete, so the ack never waits for Slack's Web API.
            var afterAck = services.GetRequiredService<SlackAfterAck>();
            http.Response.OnCompleted(() =>
            {
                afterAck.Open(form);
                return Task.CompletedTask;
            });
        }

        return ack.Body is null ? Results.Ok() : Results.Json(ack.Body, statusCode: ack.StatusCode);
    }

    /// <summary>
    /// The body, or null when it is larger than <see cref="MaxBodyBytes"/>. Slack always sends a Content-Length: the body
    /// is read straight into an array of that size (the ack path's one copy); a chunked body is read in pooled chunks.
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= MaxBodyBytes)
        {
            var exact = new byte[length];
            var filled = 0;
            int read;
            while (filled < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            // Fewer bytes than announced: Kestrel fails the read itself, so this is only a defence.
            return filled == exact.Length ? exact : exact[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    internal static Dictionary<string, string> ParseForm(byte[] body)
    {
        var parsed = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        return parsed.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }
}
