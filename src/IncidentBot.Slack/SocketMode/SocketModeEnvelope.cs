using System.Text.Json;

namespace IncidentBot.Slack.SocketMode;

/// <summary>One Socket Mode envelope as received.</summary>
/// <param name="EnvelopeId">The id to echo in the acknowledgement.</param>
/// <param name="Type"><c>events_api</c>, <c>slash_commands</c> or <c>interactive</c> (other values are acked without dispatch).</param>
/// <param name="Payload">The envelope's <c>payload</c> object (an empty object when the frame had none). Detached from the frame, safe to keep.</param>
/// <param name="AcceptsResponsePayload">Whether Slack takes a response payload in the ack (slash commands, view submissions, ...).</param>
/// <param name="RetryAttempt">Slack's redelivery counter (0 on first delivery).</param>
/// <param name="RetryReason">Why Slack redelivers, when it does.</param>
public sealed record SocketModeEnvelope(
    string EnvelopeId,
    string Type,
    JsonElement Payload,
    bool AcceptsResponsePayload,
    int RetryAttempt,
    string? RetryReason)
{
    public const string EventsApi = "events_api";
    public const string SlashCommands = "slash_commands";
    public const string Interactive = "interactive";
}
