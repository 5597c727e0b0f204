namespace IncidentBot.Slack.SocketMode;

/// <summary>Opens a connection URL (apps.connections.open). The real implementation calls Slack over HttpClient.</summary>
public interface ISocketModeConnector
{
    /// <summary>Returns a fresh, single-use <c>wss://</c> URL; called for every (re)connect.</summary>
    /// <exception cref="SocketModeException">Slack refused (its error code is in <see cref="SocketModeException.Error"/>).</exception>
    Task<Uri> OpenAsync(CancellationToken cancellationToken);
}
