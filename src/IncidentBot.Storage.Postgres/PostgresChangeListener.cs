using System.Globalization;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The change feed across replicas: every commit that touches incidents sends <c>NOTIFY</c> on one channel inside its
/// transaction (<see cref="NotifySql"/>), and each replica with someone watching holds one connection that
/// <c>LISTEN</c>s and hands the ids to its watchers, its own commits included. The connection is opened on the first
/// watch, so a replica nobody watches holds none. After the connection breaks, watchers are told that anything may
/// have changed, since what was sent meanwhile is lost. The listener owns its data source, unpooled: a connection that
/// still listened when given back to a pool would hold PostgreSQL's notification queue with nobody reading it.
/// </summary>
internal sealed partial class PostgresChangeListener(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<PostgresChangeListener> logger)
    : IIncidentChangeFeed, IDisposable
{
    public const string Channel = "incidentbot_incidents";

    /// <summary>One row, so the commit batch reads it like every other step.</summary>
    public const string NotifySql = "SELECT 0 FROM pg_notify('" + Channel + "', @payload)";

    private const string ListenSql = "LISTEN " + Channel;
    private const string PingSql = "SELECT 1";

    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private readonly IncidentChangeBroadcast _broadcast = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _listening;
    private int _disposed;

    public static string Payload(IEnumerable<long> incidentIds) =>
        string.Join(',', incidentIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    public IncidentChangeWatch Watch()
    {
        lock (_gate)
        {
            _listening ??= Task.Run(() => ListenAsync(_stop.Token));
        }

        return _broadcast.Watch();
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var interrupted = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => _broadcast.Publish(Parse(e.Payload));
                await using (var listen = new NpgsqlCommand(ListenSql, connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                if (interrupted)
                {
                    LogResumed(logger);
                    _broadcast.Publish([IncidentChangeBroadcast.AnyIncident]);
                    interrupted = false;
                }

                while (true)
                {
                    // A quiet connection is checked now and then: a server gone without a word would otherwise go unnoticed.
                    if (!await connection.WaitAsync(Idle, stop))
                    {
                        await using var ping = new NpgsqlCommand(PingSql, connection);
                        await ping.ExecuteScalarAsync(stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (!interrupted)
                {
                    LogInterrupted(logger, e);
                    interrupted = true;
                }

                try
                {
                    await Task.Delay(Retry, clock, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static IEnumerable<long> Parse(string payload) =>
        payload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : IncidentChangeBroadcast.AnyIncident);

    public void Dispose()
    {
        // Both the adapter and the container that handed the feed out dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            _listening?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping: whatever the loop ended with no longer matters.
        }

        _stop.Dispose();
        dataSource.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for incident changes on PostgreSQL failed; live pages miss updates until it reconnects")]
    private static partial void LogInterrupted(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for incident changes on PostgreSQL again")]
    private static partial void LogResumed(ILogger logger);
}
