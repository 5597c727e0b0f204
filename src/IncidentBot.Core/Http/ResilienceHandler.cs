using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace IncidentBot.Core.Http;

/// <summary>
/// The resilience every outbound call gets (Slack, Teams, Graph, token endpoints): a Polly 8 pipeline of retry
/// (honouring <c>Retry-After</c>), circuit breaker and per-attempt timeout, wired into IHttpClientFactory as one
/// handler. Long rate-limit waits are not slept through here: the 429 is returned so the caller can reschedule
/// (the outbox defers the intent by <c>Retry-After</c>) instead of holding a worker for minutes.
/// </summary>
public sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    /// <summary>Inline waits longer than this are left to the caller.</summary>
    public static readonly TimeSpan MaxInlineRetryAfter = TimeSpan.FromSeconds(5);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(async ct =>
        {
            // A request can be sent once; retries send a copy (bodies here are small forms and JSON).
            using var attempt = await CloneAsync(request, ct);
            var response = await base.SendAsync(attempt, ct);
            response.RequestMessage = request;
            return response;
        }, cancellationToken).AsTask();

    public static ResiliencePipeline<HttpResponseMessage> Build(TimeProvider clock, ResilienceSettings? settings = null)
    {
        settings ??= new ResilienceSettings();
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } r } when r.StatusCode == HttpStatusCode.TooManyRequests => RetryAfter(r, clock) is { } wait && wait <= MaxInlineRetryAfter,
                    { Result: { } r } => (int)r.StatusCode >= 500,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r && RetryAfter(r, clock) is { } wait ? (TimeSpan?)wait : null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } r } => (int)r.StatusCode >= 500,
                    _ => false,
                }),
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    /// <summary>The <c>Retry-After</c> header as a wait (seconds or an HTTP date), if present.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (request.Content is not null)
        {
            var bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            copy.Content = new ByteArrayContent(bytes);
            foreach (var header in request.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}

/// <summary>Knobs of the outbound pipeline; defaults suit chat APIs.</summary>
public sealed class ResilienceSettings
{
    public int MaxRetries { get; set; } = 3;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

public static class ResilienceRegistration
{
    /// <summary>Adds the shared resilience pipeline to a typed client.</summary>
    public static IHttpClientBuilder AddIncidentBotResilience(this IHttpClientBuilder builder, ResilienceSettings? settings = null) =>
        builder.AddHttpMessageHandler(sp => new ResilienceHandler(ResilienceHandler.Build(sp.GetRequiredService<TimeProvider>(), settings)));
}
