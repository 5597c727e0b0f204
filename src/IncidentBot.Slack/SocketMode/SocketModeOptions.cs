namespace IncidentBot.Slack.SocketMode;

/// <summary>Settings of the Socket Mode client.</summary>
public sealed class SocketModeOptions
{
    /// <summary>
    /// The app-level token (<c>xapp-…</c>) with the <c>connections:write</c> scope. When empty the client stays off
    /// (logs once and never connects), so it can be registered unconditionally.
    /// </summary>
    public string AppToken { get; set; } = "";

    /// <summary>
    /// If the dispatcher has not answered by then, the envelope is acked WITHOUT payload anyway (and logged),
    /// so Slack never retries because we were slow; the dispatch keeps running. Slack wants acks within 3 s.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>First reconnect delay; doubles per consecutive failure (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the WebSocket handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a replacement connection (after a refresh request) may take to say hello before it is dropped and retried.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one send (an ack or a close frame); a send stuck longer aborts the socket.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a graceful close waits for the server's close frame before aborting the socket.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On host stop: how long in-flight acks and late dispatches may still run.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Larger messages are logged and dropped (not acked, so Slack redelivers).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// When the dispatcher throws: false (default) leaves the envelope un-acked so Slack redelivers it;
    /// true acks it without payload anyway.
    /// </summary>
    public bool AckOnDispatcherFailure { get; set; }
}
