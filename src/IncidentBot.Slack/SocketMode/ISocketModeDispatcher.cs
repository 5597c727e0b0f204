using System.Text.Json.Nodes;

namespace IncidentBot.Slack.SocketMode;

/// <summary>
/// Handles an envelope quickly (it persists work and returns): the result's payload, if any, goes into the ack.
/// Called concurrently, one call per envelope, off the socket's read loop.
/// </summary>
public interface ISocketModeDispatcher
{
    /// <returns>
    /// The response payload for the ack (used only when the envelope accepts one), and what to start once the ack
    /// has been sent. Throwing means the work was not taken: the envelope is not acked (unless
    /// <see cref="SocketModeOptions.AckOnDispatcherFailure"/>), so Slack redelivers it.
    /// </returns>
    Task<SocketModeReply> DispatchAsync(SocketModeEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>A dispatcher's answer to one envelope.</summary>
/// <param name="Payload">The ack's response payload, or null.</param>
/// <param name="AfterAck">Started once the ack is on the socket (or, for a dispatch that outlived the ack timeout, when it ends); it must not throw.</param>
public sealed record SocketModeReply(JsonNode? Payload, Action? AfterAck = null)
{
    public static SocketModeReply Empty { get; } = new(Payload: null);
}
