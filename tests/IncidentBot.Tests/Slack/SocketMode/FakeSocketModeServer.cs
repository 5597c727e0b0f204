using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Slack.SocketMode;

/// <summary>
/// A small Socket Mode server on 127.0.0.1 (Kestrel, random port): accepts WebSockets on any path, says hello
/// (unless told not to), lets a test send frames and read what the client sent.
/// </summary>
public sealed class FakeSocketModeServer : IAsyncDisposable
{
    /// <summary>Bound on every wait in these tests, so that a failure fails instead of hanging.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly WebApplication app;
    private readonly Channel<FakeSocketConnection> accepted = Channel.CreateUnbounded<FakeSocketConnection>();
    private readonly ConcurrentQueue<FakeSocketConnection> all = new();
    private int connectionCount;
    private volatile bool sendHelloOnConnect = true;

    private FakeSocketModeServer(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>ws://127.0.0.1:port/</summary>
    public Uri BaseUri { get; private set; } = new("ws://127.0.0.1/");

    /// <summary>Whether a new connection gets a hello right away (default true).</summary>
    public bool SendHelloOnConnect
    {
        get => sendHelloOnConnect;
        set => sendHelloOnConnect = value;
    }

    public int ConnectionCount => Volatile.Read(ref connectionCount);

    public static async Task<FakeSocketModeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeSocketModeServer(app);
        app.UseWebSockets();
        app.Run(server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/");
        return server;
    }

    /// <summary>A one-time-looking URL, like the ones apps.connections.open hands out.</summary>
    public Uri UrlFor(int number) => new(BaseUri, $"link/?ticket=ticket-{number}&app_id=A123");

    /// <summary>The next connection accepted (hello already sent if <see cref="SendHelloOnConnect"/>).</summary>
    public async Task<FakeSocketConnection> NextConnectionAsync() =>
        await accepted.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in all)
        {
            connection.Abort();
        }

        using var stop = new CancellationTokenSource(Patience);
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
        foreach (var connection in all)
        {
            connection.Dispose();
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeSocketConnection(socket, context, Interlocked.Increment(ref connectionCount));
        all.Enqueue(connection);
        var receiving = connection.RunAsync();
        if (SendHelloOnConnect)
        {
            await connection.SendHelloAsync();
        }

        accepted.Writer.TryWrite(connection);
        await receiving;
    }
}

/// <summary>The server's side of one client connection.</summary>
public sealed class FakeSocketConnection : IDisposable
{
    private readonly WebSocket socket;
    private readonly HttpContext context;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly Channel<string> received = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeSocketConnection(WebSocket socket, HttpContext context, int number)
    {
        this.socket = socket;
        this.context = context;
        Number = number;
        Query = context.Request.QueryString.Value ?? "";
    }

    public int Number { get; }

    public string Query { get; }

    /// <summary>
    /// Completes when the connection ends: with the client's close status if the client sent a close frame,
    /// null if the connection was lost without one.
    /// </summary>
    public Task<WebSocketCloseStatus?> Closed => closed.Task;

    public Task SendHelloAsync() =>
        SendAsync("""{"type":"hello","num_connections":1,"debug_info":{"host":"fake","approximate_connection_time":18060},"connection_info":{"app_id":"A123"}}""");

    public Task SendDisconnectAsync(string reason) =>
        SendAsync($$$"""{"type":"disconnect","reason":"{{{reason}}}","debug_info":{"host":"fake"}}""");

    public Task SendEnvelopeAsync(string envelopeId, string type, string payloadJson = "{}", bool acceptsResponsePayload = false, int parts = 1) =>
        SendAsync(Envelope(envelopeId, type, payloadJson, acceptsResponsePayload), parts);

    public static string Envelope(string envelopeId, string type, string payloadJson = "{}", bool acceptsResponsePayload = false, int retryAttempt = 0, string retryReason = "") =>
        $$"""{"envelope_id":"{{envelopeId}}","type":"{{type}}","payload":{{payloadJson}},"accepts_response_payload":{{(acceptsResponsePayload ? "true" : "false")}},"retry_attempt":{{retryAttempt}},"retry_reason":"{{retryReason}}"}""";

    /// <summary>Sends one text message, split into <paramref name="parts"/> WebSocket frames.</summary>
    public async Task SendAsync(string text, int parts = 1)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var size = (bytes.Length + parts - 1) / parts;
        await sendLock.WaitAsync();
        try
        {
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                var count = Math.Min(size, bytes.Length - offset);
                var last = offset + count >= bytes.Length;
                await socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, last, CancellationToken.None);
            }
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>The next message the client sent (an ack), parsed.</summary>
    public async Task<JsonElement> ReceiveJsonAsync()
    {
        var text = await received.Reader.ReadAsync().AsTask().WaitAsync(FakeSocketModeServer.Patience);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Every message the client sent that has not been read yet (use once the connection has ended).</summary>
    public IReadOnlyList<string> Unread()
    {
        var rest = new List<string>();
        while (received.Reader.TryRead(out var text))
        {
            rest.Add(text);
        }

        return rest;
    }

    /// <summary>Closes from the server's side with a close frame.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        await sendLock.WaitAsync();
        try
        {
            await socket.CloseOutputAsync(status, description, CancellationToken.None);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Abort()
    {
        if (closed.Task.IsCompleted)
        {
            return;
        }

        try
        {
            context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
    }

    public void Dispose() => sendLock.Dispose();

    internal async Task RunAsync()
    {
        var buffer = new byte[4096];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closed.TrySetResult(socket.CloseStatus);
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await sendLock.WaitAsync();
                        try
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        }
                        finally
                        {
                            sendLock.Release();
                        }
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    received.Writer.TryWrite(Encoding.UTF8.GetString(message.ToArray()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception)
        {
            // Lost (aborted by either side).
        }
        finally
        {
            closed.TrySetResult(null);
            received.Writer.TryComplete();
        }
    }
}
