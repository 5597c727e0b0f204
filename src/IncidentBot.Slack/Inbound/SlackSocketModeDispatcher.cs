using System.Text.Json;
using IncidentBot.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Socket Mode envelopes carry the very payloads HTTP would, so they go to the same <see cref="SlackInbound"/>;
/// what HTTP would have put in the response body goes into the ack instead, and a form is opened once the ack is sent.
/// </summary>
public sealed class SlackSocketModeDispatcher(IServiceScopeFactory scopes, SlackAfterAck afterAck, ILogger<SlackSocketModeDispatcher> logger) : ISocketModeDispatcher
{
    public async Task<SocketModeReply> DispatchAsync(SocketModeEnvelope envelope, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var inbound = scope.ServiceProvider.GetRequiredService<SlackInbound>();
        SlackAck ack;
        try
        {
            ack = envelope.Type switch
            {
                "slash_commands" => await inbound.CommandAsync(ToForm(envelope.Payload), cancellationToken),
                "interactive" => await inbound.InteractionAsync(envelope.Payload, cancellationToken),
                "events_api" => await inbound.EventAsync(envelope.Payload, cancellationToken),
                _ => SlackAck.Ok,
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or Core.Input.InputRefusedException)
        {
            logger.LogWarning("Socket Mode {Type} envelope {Envelope} malformed: {Error}", envelope.Type, envelope.EnvelopeId, ex.Message);
            return SocketModeReply.Empty;
        }

        if (ack.StatusCode != 200)
        {
            logger.LogWarning("Socket Mode {Type} envelope {Envelope} refused: {Body}", envelope.Type, envelope.EnvelopeId, ack.Body?.ToJsonString());
            return SocketModeReply.Empty;
        }

        return new SocketModeReply(ack.Body, ack.Form is { } form ? () => afterAck.Open(form) : null);
    }

    /// <summary>A slash command arrives as a JSON object of the same fields HTTP form-encodes.</summary>
    internal static Dictionary<string, string> ToForm(JsonElement payload)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in payload.EnumerateObject())
        {
            form[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString() ?? string.Empty,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => string.Empty,
                _ => property.Value.GetRawText(),
            };
        }

        return form;
    }
}
