using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace IncidentBot.Slack.SocketMode;

/// <summary>One WebSocket to Slack: its send lock, its hello/disconnect signals, its read loop and its pending acks.</summary>
internal sealed class SocketModeConnection(int id, ClientWebSocket socket, string host, TimeProvider clock) : IAsyncDisposable
{
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly TaskCompletionSource hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> disconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> pendingAcks = new();
    private int closing;
    private int disposed;

    public int Id { get; } = id;

    public string Host { get; } = host;

    public ClientWebSocket Socket { get; } = socket;

    /// <summary>Completes when the server says hello on this socket.</summary>
    public Task Hello => hello.Task;

    public bool HelloReceived => hello.Task.IsCompleted;

    /// <summary>Completes with the reason of the first <c>disconnect</c> frame on this socket.</summary>
    public Task<string> DisconnectRequested => disconnect.Task;

    /// <summary>The read loop; completes (never faults) when the socket is closed or lost.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>True once we started closing it (a close frame from us or an abort).</summary>
    public bool IsClosing => Volatile.Read(ref closing) != 0;

    public void OnHello() => hello.TrySetResult();

    public void OnDisconnect(string reason) => disconnect.TrySetResult(reason);

    public void TrackAck(Task ack)
    {
        pendingAcks.TryAdd(ack, 0);
        _ = ack.ContinueWith(t => pendingAcks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits (bounded) for the acks of envelopes received so far on this socket.</summary>
    public async Task WaitForPendingAcksAsync(TimeSpan timeout)
    {
        var pending = pendingAcks.Keys.ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout, clock);
        }
        catch (TimeoutException)
        {
            // Whatever is still pending is acked late or not at all; Slack redelivers what was not acked.
        }
    }

    /// <summary>Sends one complete text message under the per-socket send lock.</summary>
    /// <exception cref="InvalidOperationException">The socket is no longer open.</exception>
    public async Task SendTextAsync(ReadOnlyMemory<byte> utf8, TimeSpan timeout)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, clock);
        await sendLock.WaitAsync(timeoutSource.Token);
        try
        {
            if (Socket.State != WebSocketState.Open)
            {
                throw new InvalidOperationException($"Socket Mode connection #{Id} is {Socket.State}.");
            }

            await Socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, timeoutSource.Token);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>Answers the server's close frame (the read loop saw it).</summary>
    public async Task AnswerCloseAsync(TimeSpan timeout)
    {
        Interlocked.Exchange(ref closing, 1);
        await SendCloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout);
    }

    /// <summary>
    /// Closes gracefully: our close frame, then the read loop runs until the server's close frame
    /// (frames arriving meanwhile are still read). Aborts if the server does not answer in time.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description, TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref closing, 1) == 0)
        {
            try
            {
                await SendCloseAsync(status, description, timeout);
            }
            catch (Exception)
            {
                Socket.Abort();
            }
        }

        try
        {
            await Completion.WaitAsync(timeout, clock);
        }
        catch (TimeoutException)
        {
            Socket.Abort();
            await Completion;
        }
    }

    public void Abort()
    {
        Interlocked.Exchange(ref closing, 1);
        Socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        if (Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            Abort();
        }

        await Completion;
        Socket.Dispose();
        sendLock.Dispose();
    }

    private async Task SendCloseAsync(WebSocketCloseStatus status, string description, TimeSpan timeout)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, clock);
        await sendLock.WaitAsync(timeoutSource.Token);
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(status, description, timeoutSource.Token);
            }
        }
        finally
        {
            sendLock.Release();
        }
    }
}
