using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using IncidentBot.Slack.SocketMode;
using Microsoft.Extensions.Logging;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack.SocketMode;

/// <summary>Hands out URLs of the fake server; can fail its first calls like apps.connections.open would.</summary>
public sealed class FakeConnector(FakeSocketModeServer server) : ISocketModeConnector
{
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    /// <summary>How many first calls throw <see cref="SocketModeException"/>.</summary>
    public int FailFirst { get; set; }

    /// <summary>The error code of those failures.</summary>
    public string FailureCode { get; set; } = "internal_error";

    public Task<Uri> OpenAsync(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref calls);
        if (number <= FailFirst)
        {
            throw new SocketModeException(FailureCode);
        }

        return Task.FromResult(server.UrlFor(number));
    }
}

/// <summary>Records envelopes; answers through <see cref="Handler"/> (null payload by default).</summary>
public sealed class FakeDispatcher : ISocketModeDispatcher
{
    private readonly Channel<SocketModeEnvelope> dispatched = Channel.CreateUnbounded<SocketModeEnvelope>();

    public Func<SocketModeEnvelope, CancellationToken, Task<JsonNode?>> Handler { get; set; } =
        (_, _) => Task.FromResult<JsonNode?>(null);

    public ConcurrentQueue<SocketModeEnvelope> Envelopes { get; } = new();

    public async Task<SocketModeReply> DispatchAsync(SocketModeEnvelope envelope, CancellationToken cancellationToken)
    {
        Envelopes.Enqueue(envelope);
        dispatched.Writer.TryWrite(envelope);
        return new SocketModeReply(await Handler(envelope, cancellationToken));
    }

    public async Task<SocketModeEnvelope> NextDispatchedAsync() =>
        await dispatched.Reader.ReadAsync().AsTask().WaitAsync(FakeSocketModeServer.Patience);
}

public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>System timers, fixed wall clock: makes timestamps assertable without slowing delays down.</summary>
public sealed class FixedWallClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A started client against a fresh fake server; stops and cleans up on dispose.</summary>
public sealed class SocketModeHarness : IAsyncDisposable
{
    private SocketModeHarness(FakeSocketModeServer server, SocketModeOptions options, TimeProvider clock)
    {
        Server = server;
        Options = options;
        Connector = new FakeConnector(server);
        Client = new SocketModeClient(Connector, Dispatcher, Microsoft.Extensions.Options.Options.Create(options), clock, Logger);
    }

    public FakeSocketModeServer Server { get; }

    public SocketModeOptions Options { get; }

    public FakeConnector Connector { get; }

    public FakeDispatcher Dispatcher { get; } = new();

    public ListLogger<SocketModeClient> Logger { get; } = new();

    public SocketModeClient Client { get; }

    /// <summary>Fast reconnects and a generous ack timeout unless <paramref name="configure"/> says otherwise.</summary>
    public static async Task<SocketModeHarness> CreateAsync(Action<SocketModeOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new SocketModeOptions
        {
            AppToken = "xapp-1-test",
            AckTimeout = TimeSpan.FromSeconds(10),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        var server = await FakeSocketModeServer.StartAsync();
        return new SocketModeHarness(server, options, clock ?? TimeProvider.System);
    }

    public Task StartAsync() => Client.StartAsync(CancellationToken.None);

    public async Task StopAsync()
    {
        using var patience = new CancellationTokenSource(FakeSocketModeServer.Patience);
        await Client.StopAsync(patience.Token);
    }

    /// <summary>Starts the client and returns its first connection, once the client has handled the hello.</summary>
    public async Task<FakeSocketConnection> StartAndConnectAsync()
    {
        await StartAsync();
        var connection = await Server.NextConnectionAsync();
        await TestTime.UntilAsync(() => Client.Status.LastHelloAt is not null, "the client handled hello");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }
}
