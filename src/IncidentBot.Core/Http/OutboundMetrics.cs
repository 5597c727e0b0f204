using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Core.Telemetry;
using Polly.CircuitBreaker;

namespace IncidentBot.Core.Http;

/// <summary>
/// Outbound calls per client (<c>slack-api</c>, <c>teams-connector</c> …) and method: how each call ended (ok,
/// rate_limited, failed, circuit_open), each re-send (retried), the call's duration with its retries, and each
/// client's circuit (0 closed, 1 half-open, 2 open). Work that gave up on a service shows as parked runs in
/// <c>incidentbot.work.runs</c>.
/// </summary>
public sealed partial class OutboundMetrics : IDisposable
{
    public const string MeterName = "IncidentBot.Outbound";

    private static readonly HttpRequestOptionsKey<int> Tries = new("IncidentBot.OutboundTries");

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public OutboundMetrics(OutboundPolicies policies)
    {
        _calls = _meter.CreateCounter<long>("incidentbot.outbound.calls", "{call}",
            "Outbound calls by outcome: ok, rate_limited, failed, circuit_open; retried counts each re-send");
        _duration = _meter.CreateHistogram("incidentbot.outbound.duration", "s", "An outbound call with its retries",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Queue });
        _meter.CreateObservableGauge("incidentbot.outbound.circuit.state", () => policies.All.Select(p => new Measurement<int>(
            p.Circuit.CircuitState switch { CircuitState.Closed => 0, CircuitState.HalfOpen => 1, _ => 2 },
            new KeyValuePair<string, object?>("client", p.Client))), "{state}", "Each client's circuit: 0 closed, 1 half-open, 2 open");
    }

    /// <summary>
    /// The method a request calls: an RPC-style name ending the path (Slack's <c>chat.postMessage</c>), else the HTTP
    /// method. Never the path itself, which carries ids and would make a series per channel.
    /// </summary>
    public static string MethodOf(HttpRequestMessage request) =>
        request.RequestUri?.Segments is { Length: > 0 } segments && RpcMethod().IsMatch(segments[^1]) ? segments[^1] : request.Method.Method;

    internal void Called(string client, HttpRequestMessage request, string outcome, long started)
    {
        var tags = new TagList { { "client", client }, { "method", MethodOf(request) } };
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        tags.Add("outcome", outcome);
        _calls.Add(1, tags);
    }

    /// <summary>Counts one try of <paramref name="request"/>; every try after the first is a re-send.</summary>
    internal void Tried(string client, HttpRequestMessage request)
    {
        var tries = request.Options.TryGetValue(Tries, out var before) ? before + 1 : 1;
        request.Options.Set(Tries, tries);
        if (tries > 1)
        {
            _calls.Add(1, new TagList { { "client", client }, { "method", MethodOf(request) }, { "outcome", "retried" } });
        }
    }

    internal static string OutcomeOf(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.TooManyRequests => "rate_limited",
        >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout => "failed",
        _ => "ok",
    };

    [GeneratedRegex("^[a-z]+(\\.[a-zA-Z]+)+$")]
    private static partial Regex RpcMethod();

    public void Dispose() => _meter.Dispose();
}

/// <summary>Outermost handler of a client: one call, however many tries the policies make of it.</summary>
internal sealed class OutboundCallMetricsHandler(string client, OutboundMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.Called(client, request, OutboundMetrics.OutcomeOf(response), started);
            return response;
        }
        catch (BrokenCircuitException)
        {
            metrics.Called(client, request, "circuit_open", started);
            throw;
        }
        catch (Exception)
        {
            metrics.Called(client, request, "failed", started);
            throw;
        }
    }
}

/// <summary>Innermost handler of a client: sees each try the retry policy makes.</summary>
internal sealed class OutboundTryMetricsHandler(string client, OutboundMetrics metrics) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        metrics.Tried(client, request);
        return base.SendAsync(request, cancellationToken);
    }
}
