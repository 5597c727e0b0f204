using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.SocketMode;

/// <summary>
/// The hosted service: connect, read frames, ack envelopes, handle hello/disconnect, reconnect with backoff.
/// </summary>
/// <remarks>
/// Each envelope is dispatched concurrently (reading never waits for a dispatcher) and acked on the socket it came
/// from, through that socket's send lock. On <c>disconnect</c> with <c>warning</c>/<c>refresh_requested</c> a new
/// socket is opened first; the old one is still read until the new one says hello, then closed gracefully. On
/// <c>link_disabled</c> the client logs an error and stops for good.
/// </remarks>
public sealed class SocketModeClient : BackgroundService
{
    public const string LinkDisabledReason = "link_disabled";

    private static readonly JsonElement EmptyPayload = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly ISocketModeConnector connector;
    private readonly ISocketModeDispatcher dispatcher;
    private readonly SocketModeOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<SocketModeClient> logger;
    private readonly ConcurrentDictionary<int, SocketModeConnection> connections = new();
    private readonly ConcurrentDictionary<Task, byte> background = new();
    private int nextConnectionId;

    public SocketModeClient(
        ISocketModeConnector connector,
        ISocketModeDispatcher dispatcher,
        IOptions<SocketModeOptions> options,
        TimeProvider clock,
        ILogger<SocketModeClient> logger)
    {
        this.connector = connector;
        this.dispatcher = dispatcher;
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
    }

    /// <summary>Observable state for health/tests: connected sockets count, envelopes received/acked, last hello time.</summary>
    public SocketModeStatus Status { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.AppToken))
        {
            logger.LogInformation("Slack Socket Mode is off: no app-level token (xapp-…) is configured.");
            return;
        }

        SocketModeConnection? current = null;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (current is null)
                {
                    var (opened, retryAfter) = await TryOpenAsync(stoppingToken);
                    if (opened is null)
                    {
                        await BackoffAsync(failures++, retryAfter, stoppingToken);
                        continue;
                    }

                    current = opened;
                }

                await Task.WhenAny(current.Completion, current.DisconnectRequested).WaitAsync(stoppingToken);
                if (current.HelloReceived)
                {
                    failures = 0;
                }

                if (current.DisconnectRequested.IsCompleted)
                {
                    var reason = await current.DisconnectRequested;
                    if (reason == LinkDisabledReason)
                    {
                        logger.LogError(
                            "Slack disabled the Socket Mode link (disconnect reason link_disabled) on connection #{ConnectionId}: not reconnecting. Re-enable Socket Mode for the app and restart.",
                            current.Id);
                        Status.MarkLinkDisabled();
                        await CloseAndDisposeAsync(current, "link disabled");
                        current = null;
                        return;
                    }

                    logger.LogInformation(
                        "Slack asked connection #{ConnectionId} to reconnect ({Reason}); opening a new connection before dropping it.",
                        current.Id,
                        reason);
                    var replacement = await OpenReplacementAsync(stoppingToken);
                    Retire(current);
                    current = replacement;
                    continue;
                }

                logger.LogInformation("Socket Mode connection #{ConnectionId} ended; reconnecting.", current.Id);
                await current.DisposeAsync();
                connections.TryRemove(current.Id, out _);
                current = null;
                await BackoffAsync(failures++, null, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: fall through to the graceful shutdown below.
        }
        finally
        {
            await ShutdownAsync();
        }
    }

    /// <summary>Opens replacement connections (with backoff) until one says hello.</summary>
    private async Task<SocketModeConnection> OpenReplacementAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (next, retryAfter) = await TryOpenAsync(stoppingToken);
            if (next is not null)
            {
                await Task.WhenAny(next.Hello, next.Completion, Task.Delay(options.HelloTimeout, clock, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
                if (next.HelloReceived)
                {
                    return next;
                }

                logger.LogWarning("Replacement Socket Mode connection #{ConnectionId} did not say hello; retrying.", next.Id);
                await CloseAndDisposeAsync(next, "no hello");
            }

            await BackoffAsync(attempt, retryAfter, stoppingToken);
        }
    }

    /// <summary>Closes a refreshed connection in the background once its in-flight envelopes have been acked.</summary>
    private void Retire(SocketModeConnection old)
    {
        Track(RetireAsync());

        async Task RetireAsync()
        {
            await old.WaitForPendingAcksAsync(options.AckTimeout + options.SendTimeout);
            await CloseAndDisposeAsync(old, "refreshed");
            logger.LogInformation("Closed refreshed Socket Mode connection #{ConnectionId}.", old.Id);
        }
    }

    private async Task<(SocketModeConnection? Connection, TimeSpan? RetryAfter)> TryOpenAsync(CancellationToken stoppingToken)
    {
        Uri url;
        try
        {
            url = await connector.OpenAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SocketModeException ex) when (ex.Error is "not_authed" or "invalid_auth" or "account_inactive" or "token_revoked"
            or "user_removed_from_team" or "team_disabled" or "not_allowed_token_type" or "missing_scope" or "missing_app_token")
        {
            // Will not heal by itself (fix the app token or the app's settings); keep trying, slowly.
            logger.LogError("apps.connections.open refused the app token: {Error}. Retrying every {Delay}.", ex.Error, options.ReconnectMaxDelay);
            return (null, options.ReconnectMaxDelay);
        }
        catch (SocketModeException ex)
        {
            logger.LogWarning("apps.connections.open failed: {Error}.", ex.Error);
            return (null, ex.RetryAfter);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "apps.connections.open failed.");
            return (null, null);
        }

        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            await socket.ConnectAsync(url, linked.Token);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            stoppingToken.ThrowIfCancellationRequested();

            // The URL carries a one-time ticket: log its host only.
            logger.LogWarning(ex, "Could not open the Socket Mode WebSocket to {Host}.", url.Host);
            return (null, null);
        }

        var connection = new SocketModeConnection(Interlocked.Increment(ref nextConnectionId), socket, url.Host, clock);
        connections[connection.Id] = connection;
        Status.SocketConnected();
        connection.Completion = Task.Run(() => ReadLoopAsync(connection, stoppingToken), CancellationToken.None);
        logger.LogInformation("Socket Mode connection #{ConnectionId} opened to {Host}.", connection.Id, connection.Host);
        return (connection, null);
    }

    private async Task BackoffAsync(int attempt, TimeSpan? retryAfter, CancellationToken stoppingToken)
    {
        var delay = ReconnectBackoff.Compute(attempt, options.ReconnectBaseDelay, options.ReconnectMaxDelay);
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked;
        }

        logger.LogInformation("Reconnecting to Slack Socket Mode in {Delay} (attempt {Attempt}).", delay, attempt + 1);
        await Task.Delay(delay, clock, stoppingToken);
    }

    /// <summary>Reads whole messages (assembling fragments) until the socket is closed or lost. Never throws.</summary>
    private async Task ReadLoopAsync(SocketModeConnection connection, CancellationToken stoppingToken)
    {
        var socket = connection.Socket;
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                buffer.ResetWrittenCount();
                var oversized = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    // Never cancel a receive: cancelling aborts the socket, and we want graceful closes.
                    result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (oversized || buffer.WrittenCount + result.Count > options.MaxMessageBytes)
                    {
                        oversized = true;
                    }
                    else
                    {
                        buffer.Advance(result.Count);
                    }
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (connection.IsClosing)
                    {
                        logger.LogDebug("Socket Mode connection #{ConnectionId} finished its close handshake.", connection.Id);
                    }
                    else
                    {
                        logger.LogInformation(
                            "Slack closed Socket Mode connection #{ConnectionId}: {CloseStatus} {CloseDescription}.",
                            connection.Id,
                            socket.CloseStatus,
                            socket.CloseStatusDescription);
                    }

                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await connection.AnswerCloseAsync(options.SendTimeout);
                    }

                    break;
                }

                if (oversized)
                {
                    logger.LogWarning(
                        "Dropped a Socket Mode message over {MaxMessageBytes} bytes on connection #{ConnectionId}.",
                        options.MaxMessageBytes,
                        connection.Id);
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    logger.LogWarning("Ignored a binary Socket Mode message on connection #{ConnectionId}.", connection.Id);
                    continue;
                }

                OnMessage(connection, buffer.WrittenSpan, stoppingToken);
            }
        }
        catch (Exception ex) when (connection.IsClosing)
        {
            logger.LogDebug(ex, "Socket Mode connection #{ConnectionId} ended while closing.", connection.Id);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Socket Mode connection #{ConnectionId} was lost.", connection.Id);
        }
        finally
        {
            Status.SocketDisconnected();
        }
    }

    /// <summary>Handles one text message. Malformed frames are logged and ignored.</summary>
    private void OnMessage(SocketModeConnection connection, ReadOnlySpan<byte> utf8, CancellationToken stoppingToken)
    {
        SocketModeEnvelope envelope;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                logger.LogWarning("Ignored a Socket Mode frame that is not a JSON object on connection #{ConnectionId}.", connection.Id);
                return;
            }

            var type = GetString(root, "type");
            switch (type)
            {
                case "hello":
                    OnHello(connection, root);
                    return;
                case "disconnect":
                    OnDisconnect(connection, GetString(root, "reason") ?? "unknown");
                    return;
            }

            var envelopeId = GetString(root, "envelope_id");
            if (string.IsNullOrEmpty(envelopeId))
            {
                logger.LogWarning("Ignored a Socket Mode frame of type {Type} without envelope_id on connection #{ConnectionId}.", type, connection.Id);
                return;
            }

            envelope = new SocketModeEnvelope(
                envelopeId,
                type ?? "",
                root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object ? payload.Clone() : EmptyPayload,
                root.TryGetProperty("accepts_response_payload", out var accepts) && accepts.ValueKind == JsonValueKind.True,
                root.TryGetProperty("retry_attempt", out var attempt) && attempt.ValueKind == JsonValueKind.Number && attempt.TryGetInt32(out var n) ? n : 0,
                GetString(root, "retry_reason"));
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored a malformed Socket Mode frame ({Length} bytes) on connection #{ConnectionId}: {Error}", utf8.Length, connection.Id, ex.Message);
            return;
        }

        Status.EnvelopeReceived();
        connection.TrackAck(HandleEnvelopeAsync(connection, envelope, stoppingToken));
    }

    private void OnHello(SocketModeConnection connection, JsonElement root)
    {
        Status.HelloReceived(clock.GetUtcNow());
        var appId = root.TryGetProperty("connection_info", out var info) && info.ValueKind == JsonValueKind.Object ? GetString(info, "app_id") : null;
        var count = root.TryGetProperty("num_connections", out var num) && num.ValueKind == JsonValueKind.Number && num.TryGetInt32(out var c) ? c : (int?)null;
        logger.LogInformation(
            "Slack said hello on Socket Mode connection #{ConnectionId} (app {AppId}, {NumConnections} connections).",
            connection.Id,
            appId,
            count);
        connection.OnHello();
    }

    /// <summary>
    /// <c>warning</c>/<c>refresh_requested</c>: replace the socket (new one first); <c>link_disabled</c>: stop.
    /// Any other reason (e.g. <c>too_many_websockets</c>): keep reading until Slack closes the socket, then reconnect
    /// with backoff — opening yet another socket right away would not help.
    /// </summary>
    private void OnDisconnect(SocketModeConnection connection, string reason)
    {
        Status.DisconnectReceived(reason);
        if (reason is "warning" or "refresh_requested" or LinkDisabledReason)
        {
            logger.LogInformation("Slack sent disconnect ({Reason}) on connection #{ConnectionId}.", reason, connection.Id);
            connection.OnDisconnect(reason);
        }
        else
        {
            logger.LogWarning("Slack sent disconnect ({Reason}) on connection #{ConnectionId}; waiting for it to close the socket.", reason, connection.Id);
        }
    }

    /// <summary>Dispatches (bounded by the ack timeout) and acks on the envelope's own socket. Never throws.</summary>
    private async Task HandleEnvelopeAsync(SocketModeConnection connection, SocketModeEnvelope envelope, CancellationToken stoppingToken)
    {
        Action? afterAck = null;
        try
        {
            JsonNode? payload = null;
            if (envelope.Type is SocketModeEnvelope.EventsApi or SocketModeEnvelope.SlashCommands or SocketModeEnvelope.Interactive)
            {
                var (ack, result) = await DispatchAsync(envelope, stoppingToken);
                if (!ack)
                {
                    return;
                }

                payload = result?.Payload;
                afterAck = result?.AfterAck;
            }
            else
            {
                logger.LogInformation("Acking Socket Mode envelope {EnvelopeId} of unknown type {Type} without dispatching it.", envelope.EnvelopeId, envelope.Type);
            }

            if (payload is not null && !envelope.AcceptsResponsePayload)
            {
                logger.LogDebug("Envelope {EnvelopeId} does not accept a response payload; acking without it.", envelope.EnvelopeId);
                payload = null;
            }

            await connection.SendTextAsync(BuildAck(envelope.EnvelopeId, payload), options.SendTimeout);
            Status.EnvelopeAcked();
        }
        catch (Exception ex)
        {
            logger.LogWarning(
                ex,
                "Could not ack Socket Mode envelope {EnvelopeId} on connection #{ConnectionId}; Slack will redeliver it.",
                envelope.EnvelopeId,
                connection.Id);
            return;
        }

        RunAfterAck(afterAck, envelope);
    }

    private void RunAfterAck(Action? afterAck, SocketModeEnvelope envelope)
    {
        try
        {
            afterAck?.Invoke();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Work after the ack of Socket Mode envelope {EnvelopeId} ({Type}) failed.", envelope.EnvelopeId, envelope.Type);
        }
    }

    /// <returns>Whether to ack, and the payload to ack with.</returns>
    private async Task<(bool Ack, SocketModeReply? Reply)> DispatchAsync(SocketModeEnvelope envelope, CancellationToken stoppingToken)
    {
        var dispatch = Task.Run(() => dispatcher.DispatchAsync(envelope, stoppingToken), CancellationToken.None);
        using (var deadline = new CancellationTokenSource())
        {
            var first = await Task.WhenAny(dispatch, Task.Delay(options.AckTimeout, clock, deadline.Token));
            if (first != dispatch)
            {
                logger.LogWarning(
                    "Dispatcher did not answer Socket Mode envelope {EnvelopeId} ({Type}) within {AckTimeout}; acking without payload while it keeps running.",
                    envelope.EnvelopeId,
                    envelope.Type,
                    options.AckTimeout);
                Track(ObserveLateDispatchAsync(dispatch, envelope));
                return (true, null);
            }

            await deadline.CancelAsync();
        }

        try
        {
            return (true, await dispatch);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Dispatch of Socket Mode envelope {EnvelopeId} was cancelled by shutdown; not acking it, Slack will redeliver.", envelope.EnvelopeId);
            return (false, null);
        }
        catch (Exception ex)
        {
            if (options.AckOnDispatcherFailure)
            {
                logger.LogError(ex, "Dispatcher failed on Socket Mode envelope {EnvelopeId} ({Type}); acking it anyway.", envelope.EnvelopeId, envelope.Type);
                return (true, null);
            }

            logger.LogError(ex, "Dispatcher failed on Socket Mode envelope {EnvelopeId} ({Type}); not acking it, Slack will redeliver.", envelope.EnvelopeId, envelope.Type);
            return (false, null);
        }
    }

    private async Task ObserveLateDispatchAsync(Task<SocketModeReply> dispatch, SocketModeEnvelope envelope)
    {
        try
        {
            var reply = await dispatch;
            logger.LogInformation(
                "Late dispatch of Socket Mode envelope {EnvelopeId} finished{Discarded}.",
                envelope.EnvelopeId,
                reply.Payload is null ? "" : "; its response payload was discarded (already acked)");
            RunAfterAck(reply.AfterAck, envelope);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Late dispatch of Socket Mode envelope {EnvelopeId} ({Type}) failed after it was acked.", envelope.EnvelopeId, envelope.Type);
        }
    }

    private static byte[] BuildAck(string envelopeId, JsonNode? payload)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("envelope_id", envelopeId);
            if (payload is not null)
            {
                writer.WritePropertyName("payload");
                payload.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task CloseAndDisposeAsync(SocketModeConnection connection, string description)
    {
        try
        {
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, description, options.CloseTimeout);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Closing Socket Mode connection #{ConnectionId} failed.", connection.Id);
        }
        finally
        {
            await connection.DisposeAsync();
            connections.TryRemove(connection.Id, out _);
        }
    }

    private void Track(Task task)
    {
        background.TryAdd(task, 0);
        _ = task.ContinueWith(t => background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Lets in-flight acks finish, closes every socket with a normal close, then waits (bounded) for late work.</summary>
    private async Task ShutdownAsync()
    {
        var live = connections.Values.ToArray();
        await Task.WhenAll(live.Select(c => c.WaitForPendingAcksAsync(options.ShutdownTimeout)));
        await Task.WhenAll(live.Select(c => CloseAndDisposeAsync(c, "shutting down")));

        var pending = background.Keys.ToArray();
        if (pending.Length > 0)
        {
            try
            {
                await Task.WhenAll(pending).WaitAsync(options.ShutdownTimeout, clock);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("{Count} Socket Mode tasks were still running at shutdown.", background.Count);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "A Socket Mode background task failed during shutdown.");
            }
        }

        logger.LogInformation("Socket Mode client stopped.");
    }
}
