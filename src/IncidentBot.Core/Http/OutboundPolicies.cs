using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Extensions.Http;
using Polly.Timeout;

namespace IncidentBot.Core.Http;

/// <summary>
/// The policies of every outbound client, one set per client, created on first use and kept for the life of the
/// process. The HTTP client factory builds a fresh handler pipeline for a client every few minutes; the policies live
/// here rather than in a pipeline so that a circuit opened by one pipeline is still open in the next.
/// </summary>
public sealed class OutboundPolicies(IOptions<OutboundOptions> options, TimeProvider clock, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, Lazy<OutboundPolicy>> _clients = new(StringComparer.Ordinal);

    /// <summary>The policies of <paramref name="client"/> (a name such as <c>slack-api</c>).</summary>
    public OutboundPolicy this[string client] =>
        _clients.GetOrAdd(client, name => new Lazy<OutboundPolicy>(() => new OutboundPolicy(name, options.Value, clock, loggers.CreateLogger("IncidentBot.Outbound." + name)))).Value;

    /// <summary>The policies made so far, for the circuit-state gauge.</summary>
    internal IEnumerable<OutboundPolicy> All => _clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value);
}

/// <summary>
/// One client's policies: a retry around a circuit breaker around a per-try timeout. The retry re-sends only what
/// cannot cause a second effect: requests safe to repeat (<see cref="OutboundRequests.IsSafeToRepeat"/>) after any
/// transient failure, anything else only when it never left this machine or the service refused it with a short
/// 429. A longer <c>Retry-After</c> is returned to the caller, which reschedules the work in the queue.
/// </summary>
public sealed class OutboundPolicy
{
    private readonly OutboundOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly AsyncCircuitBreakerPolicy<HttpResponseMessage> _breaker;
    private readonly IAsyncPolicy<HttpResponseMessage> _repeatable;
    private readonly IAsyncPolicy<HttpResponseMessage> _once;
    private long _brokenUntilTicks;

    internal OutboundPolicy(string client, OutboundOptions options, TimeProvider clock, ILogger logger)
    {
        Client = client;
        _options = options;
        _clock = clock;
        _logger = logger;

        // HandleTransientHttpError is HttpRequestException, 5xx and 408. It covers neither the per-try timeout (Polly's
        // TimeoutRejectedException, added here) nor 429: a rate limit is Slack's or Graph's per-method budget, not a
        // sign the service is down, so it never counts towards opening the circuit.
        _breaker = HttpPolicyExtensions.HandleTransientHttpError()
            .Or<TimeoutRejectedException>()
            .CircuitBreakerAsync(options.FailuresBeforeBreaking, options.BreakDuration, OnBreak, OnReset, OnHalfOpen);
        var timeout = Policy.TimeoutAsync<HttpResponseMessage>(options.AttemptTimeout, TimeoutStrategy.Optimistic);

        // Safe to repeat: every transient failure, and a 429 short enough to wait out here.
        var retryRepeatable = HttpPolicyExtensions.HandleTransientHttpError()
            .Or<TimeoutRejectedException>()
            .OrResult(IsShortRateLimit)
            .WaitAndRetryAsync(options.MaxRetries, Wait, OnRetryAsync);

        // Not safe to repeat (a post, a new channel): a timeout, a reset or a 5xx may come after the service acted,
        // so only failures that prove it did not are retried.
        var retryOnce = Policy<HttpResponseMessage>
            .Handle<HttpRequestException>(OutboundRequests.NeverSent)
            .OrResult(IsShortRateLimit)
            .WaitAndRetryAsync(options.MaxRetries, Wait, OnRetryAsync);

        // One breaker and one timeout shared by both, so every call of this client counts towards its circuit.
        _repeatable = Policy.WrapAsync(retryRepeatable, _breaker, timeout);
        _once = Policy.WrapAsync(retryOnce, _breaker, timeout);
    }

    /// <summary>The client's name (<c>slack-api</c>, <c>teams-connector</c> …).</summary>
    public string Client { get; }

    /// <summary>The client's circuit: its state, and <c>Isolate</c>/<c>Reset</c> for an operator or a test.</summary>
    public ICircuitBreakerPolicy<HttpResponseMessage> Circuit => _breaker;

    /// <summary>True while calls fail at once without reaching the service.</summary>
    public bool IsBroken => _breaker.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>
    /// How long until the circuit may let a call through again; the whole break when that is not known (held open by
    /// hand, or half-open with its one test call still out).
    /// </summary>
    public TimeSpan RetryAfter
    {
        get
        {
            var left = new DateTimeOffset(Interlocked.Read(ref _brokenUntilTicks), TimeSpan.Zero) - _clock.GetUtcNow();
            return left > TimeSpan.Zero && left <= _options.BreakDuration ? left : _options.BreakDuration;
        }
    }

    /// <summary>The policy for one request, chosen by whether it is safe to send twice.</summary>
    public IAsyncPolicy<HttpResponseMessage> For(HttpRequestMessage request) => OutboundRequests.IsSafeToRepeat(request) ? _repeatable : _once;

    private bool IsShortRateLimit(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        && OutboundRequests.RetryAfter(response, _clock) is { } wait && wait <= _options.MaxInlineRetryAfter;

    private TimeSpan Wait(int retry, DelegateResult<HttpResponseMessage> outcome, Context context)
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited && OutboundRequests.RetryAfter(limited, _clock) is { } wait)
        {
            return wait;
        }

        // Exponential with ±20 % jitter, so callers that failed together do not come back together.
        var backoff = _options.BaseDelay * Math.Pow(2, retry - 1);
        return backoff * (0.8 + (0.4 * Random.Shared.NextDouble()));
    }

    private Task OnRetryAsync(DelegateResult<HttpResponseMessage> outcome, TimeSpan wait, int retry, Context context)
    {
        _logger.LogInformation("{Client}: try {Try} failed ({Outcome}); trying again in {Wait} ms",
            Client, retry, Describe(outcome), (int)wait.TotalMilliseconds);
        return Task.CompletedTask;
    }

    private void OnBreak(DelegateResult<HttpResponseMessage>? outcome, CircuitState state, TimeSpan duration, Context context)
    {
        if (state == CircuitState.Isolated || duration > TimeSpan.FromDays(1))
        {
            Interlocked.Exchange(ref _brokenUntilTicks, DateTimeOffset.MaxValue.UtcTicks);
            _logger.LogWarning("{Client}: circuit held open by hand; calls fail at once until it is reset", Client);
            return;
        }

        Interlocked.Exchange(ref _brokenUntilTicks, (_clock.GetUtcNow() + duration).UtcTicks);
        _logger.LogWarning("{Client}: circuit open after {Failures} failures in a row ({Outcome}); calls fail at once for {Seconds} s",
            Client, _options.FailuresBeforeBreaking, Describe(outcome), duration.TotalSeconds);
    }

    private void OnReset(Context context)
    {
        Interlocked.Exchange(ref _brokenUntilTicks, 0);
        _logger.LogInformation("{Client}: circuit closed; calls go through again", Client);
    }

    private void OnHalfOpen() => _logger.LogInformation("{Client}: circuit half-open; the next call tests the service", Client);

    private static string Describe(DelegateResult<HttpResponseMessage>? outcome) => outcome switch
    {
        { Exception: { } ex } => $"{ex.GetType().Name}: {ex.Message}",
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "no outcome",
    };
}

/// <summary>
/// Tells callers of a client whose circuit is open when it may close, so queued work waits that long instead of
/// counting a failure. That includes the failure that opened it: the service is down, the call did nothing wrong.
/// </summary>
internal sealed class BrokenCircuitHandler(OutboundPolicy policy) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException broken) when (broken.RetryAfter is null)
        {
            throw new BrokenCircuitException($"{policy.Client} is not being called for now (its circuit is open): {broken.Message}", policy.RetryAfter, broken);
        }
        catch (Exception failed) when (failed is HttpRequestException or TimeoutRejectedException && policy.IsBroken)
        {
            throw new BrokenCircuitException($"{policy.Client} failed and its circuit is now open: {failed.Message}", policy.RetryAfter, failed);
        }

        if (((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout) && policy.IsBroken)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new BrokenCircuitException($"{policy.Client} answered HTTP {status} and its circuit is now open", policy.RetryAfter);
        }

        return response;
    }
}

public static class OutboundRegistration
{
    /// <summary>
    /// Gives a typed or named client the outbound policies of <paramref name="client"/> (one set per name, shared by
    /// every pipeline the factory builds for it). Clients that share a name share a circuit: give each service its own.
    /// </summary>
    public static IHttpClientBuilder AddOutboundPolicies(this IHttpClientBuilder builder, string client)
    {
        builder.Services.AddOptions<OutboundOptions>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<OutboundPolicies>();
        builder.Services.TryAddSingleton<OutboundMetrics>();
        return builder
            .AddHttpMessageHandler(sp => new OutboundCallMetricsHandler(client, sp.GetRequiredService<OutboundMetrics>()))
            .AddHttpMessageHandler(sp => new BrokenCircuitHandler(sp.GetRequiredService<OutboundPolicies>()[client]))
            .AddPolicyHandler((sp, request) => sp.GetRequiredService<OutboundPolicies>()[client].For(request))
            .AddHttpMessageHandler(sp => new OutboundTryMetricsHandler(client, sp.GetRequiredService<OutboundMetrics>()));
    }
}
