namespace IncidentBot.Slack.SocketMode;

/// <summary>Observable state of the Socket Mode client, for health checks and tests. Thread-safe.</summary>
public sealed class SocketModeStatus
{
    private readonly Lock gate = new();
    private int connectedSockets;
    private long connectionsOpened;
    private long envelopesReceived;
    private long envelopesAcked;
    private DateTimeOffset? lastHelloAt;
    private string? lastDisconnectReason;
    private bool linkDisabled;

    /// <summary>Sockets open right now (2 briefly during a refresh).</summary>
    public int ConnectedSockets => Volatile.Read(ref connectedSockets);

    /// <summary>WebSocket connections established since start.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref connectionsOpened);

    public long EnvelopesReceived => Interlocked.Read(ref envelopesReceived);

    public long EnvelopesAcked => Interlocked.Read(ref envelopesAcked);

    /// <summary>When the last <c>hello</c> arrived (per the injected clock), or null before the first.</summary>
    public DateTimeOffset? LastHelloAt
    {
        get
        {
            lock (gate)
            {
                return lastHelloAt;
            }
        }
    }

    /// <summary>The reason of the last <c>disconnect</c> frame, if any.</summary>
    public string? LastDisconnectReason
    {
        get
        {
            lock (gate)
            {
                return lastDisconnectReason;
            }
        }
    }

    /// <summary>True once Slack said <c>link_disabled</c>: the client stopped and will not reconnect.</summary>
    public bool LinkDisabled
    {
        get
        {
            lock (gate)
            {
                return linkDisabled;
            }
        }
    }

    internal void SocketConnected()
    {
        Interlocked.Increment(ref connectedSockets);
        Interlocked.Increment(ref connectionsOpened);
    }

    internal void SocketDisconnected() => Interlocked.Decrement(ref connectedSockets);

    internal void EnvelopeReceived() => Interlocked.Increment(ref envelopesReceived);

    internal void EnvelopeAcked() => Interlocked.Increment(ref envelopesAcked);

    internal void HelloReceived(DateTimeOffset at)
    {
        lock (gate)
        {
            lastHelloAt = at;
        }
    }

    internal void DisconnectReceived(string reason)
    {
        lock (gate)
        {
            lastDisconnectReason = reason;
        }
    }

    internal void MarkLinkDisabled()
    {
        lock (gate)
        {
            linkDisabled = true;
        }
    }
}
