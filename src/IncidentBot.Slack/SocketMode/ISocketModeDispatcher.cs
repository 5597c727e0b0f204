using System.Text.Json.Nodes;

namespace IncidentBot.Slack.SocketMode;

/// <summary>
/// Handles an envelope quickly (it persists work and returns): the result's payload, if any, goes into the ack.
/// Called concurrently, one call per envelope, off the socket's read loop.
/// </summary>
public interface ISocketModeDispatcher
{
    /// <returns>
    /// The response payload for the ack (used only when the envelope accepts one), or null.
    /// Throwing means the work was not taken: the envelope is not acked (unless
    /// <see cref="SocketModeOptions.AckOnDispatcherFailure"/>), so Slack redelivers it.
    /// </returns>
    Task<JsonNode?> DispatchAsync(SocketModeEnvelope envelope, CancellationToken cancellationToken);
}
