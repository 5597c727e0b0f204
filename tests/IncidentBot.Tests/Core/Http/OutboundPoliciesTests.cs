using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using IncidentBot.Core.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IncidentBot.Tests.Core.Http;

public class OutboundPoliciesTests
{
    private const string Client = "probe";

    [Fact]
    public async Task Breaker_IsSharedAcrossHandlerRotations_OfTheSameTypedClient()
    {
        var built = 0;
        var server = new StubServer(_ => Respond(HttpStatusCode.InternalServerError));
        await using var services = Build(o => (o.MaxRetries, o.FailuresBeforeBreaking, o.BreakDuration) = (0, 2, TimeSpan.FromMinutes(5)), http => http
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                Interlocked.Increment(ref built);
                return server.Handler();
            })
            .SetHandlerLifetime(TimeSpan.FromSeconds(1)));

        var first = services.GetRequiredService<ProbeClient>();
        using (var failed = await first.Http.GetAsync("http://service.test/x"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => first.Http.GetAsync("http://service.test/x")); // the one that opens it

        // The factory replaces a client's handler pipeline once its lifetime is over; wait (bounded) until it has.
        for (var round = 0; round < 100 && Volatile.Read(ref built) < 2; round++)
        {
            await Task.Delay(100);
            _ = services.GetRequiredService<ProbeClient>();
        }

        Assert.Equal(2, Volatile.Read(ref built));
        var second = services.GetRequiredService<ProbeClient>();
        var broken = await Assert.ThrowsAsync<BrokenCircuitException>(() => second.Http.GetAsync("http://service.test/x"));

        Assert.Equal(2, server.Calls);
        Assert.NotNull(broken.RetryAfter);
        Assert.InRange(broken.RetryAfter.Value, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(5));
        Assert.True(services.GetRequiredService<OutboundPolicies>()[Client].IsBroken);
    }

    [Fact]
    public async Task RateLimits_NeverOpenTheCircuit()
    {
        var server = new StubServer(_ => RateLimited(TimeSpan.FromSeconds(120)));
        await using var services = Build(o => o.FailuresBeforeBreaking = 2, http => http.ConfigurePrimaryHttpMessageHandler(server.Handler));
        var client = services.GetRequiredService<ProbeClient>();

        for (var i = 0; i < 6; i++)
        {
            using var limited = await client.Http.GetAsync("http://service.test/x");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        Assert.Equal(6, server.Calls); // a long Retry-After goes back to the caller at once, every time
        Assert.Equal(CircuitState.Closed, services.GetRequiredService<OutboundPolicies>()[Client].Circuit.CircuitState);
    }

    [Fact]
    public async Task Post_IsNotSentAgain_AfterATimeout_ButASafeOneAndAGetAre()
    {
        var server = new StubServer(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return Respond(HttpStatusCode.OK);
        });
        await using var services = Build(o => (o.AttemptTimeout, o.MaxRetries, o.BaseDelay, o.FailuresBeforeBreaking) = (TimeSpan.FromMilliseconds(100), 2, TimeSpan.Zero, 100),
            http => http.ConfigurePrimaryHttpMessageHandler(server.Handler));
        var client = services.GetRequiredService<ProbeClient>();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.Http.PostAsync("http://service.test/chat.postMessage", new StringContent("x")));
        Assert.Equal(1, server.Calls);

        using var safe = new HttpRequestMessage(HttpMethod.Post, "http://service.test/conversations.history") { Content = new StringContent("x") };
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.Http.SendAsync(safe.MarkSafeToRepeat()));
        Assert.Equal(1 + 3, server.Calls);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.Http.GetAsync("http://service.test/x"));
        Assert.Equal(1 + 3 + 3, server.Calls);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, 3)]
    [InlineData(HttpRequestError.NameResolutionError, 3)]
    [InlineData(HttpRequestError.ResponseEnded, 1)]
    [InlineData(HttpRequestError.Unknown, 1)]
    public async Task Post_IsSentAgain_OnlyWhenItNeverLeft(HttpRequestError error, int calls)
    {
        var server = new StubServer(_ => throw new HttpRequestException(error, "failed"));
        await using var services = Build(o => (o.MaxRetries, o.BaseDelay) = (2, TimeSpan.Zero), http => http.ConfigurePrimaryHttpMessageHandler(server.Handler));

        await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<ProbeClient>().Http.PostAsync("http://service.test/chat.postMessage", new StringContent("x")));

        Assert.Equal(calls, server.Calls);
    }

    [Fact]
    public async Task ShortRetryAfter_IsWaitedOutInTheCall_AsTheServiceAsked()
    {
        var answers = new Queue<HttpResponseMessage>([RateLimited(TimeSpan.FromSeconds(1)), Respond(HttpStatusCode.OK)]);
        var server = new StubServer(_ => answers.Dequeue());
        var log = new ListLoggerProvider();
        await using var services = Build(o => o.MaxInlineRetryAfter = TimeSpan.FromSeconds(5), http => http.ConfigurePrimaryHttpMessageHandler(server.Handler), log);

        // Not safe to repeat, but a 429 means the service did nothing: it is sent again after the wait it named.
        using var response = await services.GetRequiredService<ProbeClient>().Http.PostAsync("http://service.test/chat.postMessage", new StringContent("x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
        Assert.Contains(log.Messages, m => m.Contains("HTTP 429", StringComparison.Ordinal) && m.EndsWith("trying again in 1000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LongRetryAfter_IsHandedBackToTheCaller_WithoutWaiting()
    {
        var server = new StubServer(_ => RateLimited(TimeSpan.FromSeconds(30)));
        await using var services = Build(o => o.MaxInlineRetryAfter = TimeSpan.FromSeconds(5), http => http.ConfigurePrimaryHttpMessageHandler(server.Handler));

        using var response = await services.GetRequiredService<ProbeClient>().Http.GetAsync("http://service.test/x");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, server.Calls);
        Assert.Equal(TimeSpan.FromSeconds(30), OutboundRequests.RetryAfter(response, TimeProvider.System));
    }

    [Fact]
    public async Task TheFailureThatOpensTheCircuit_IsReportedAsTheOpenCircuit_SoQueuedWorkWaitsInsteadOfFailing()
    {
        var server = new StubServer(request => request.Method == HttpMethod.Get ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused") : Respond(HttpStatusCode.ServiceUnavailable));
        await using var services = Build(o => (o.MaxRetries, o.FailuresBeforeBreaking, o.BreakDuration) = (0, 1, TimeSpan.FromSeconds(40)),
            http => http.ConfigurePrimaryHttpMessageHandler(server.Handler));
        var client = services.GetRequiredService<ProbeClient>();
        var policy = services.GetRequiredService<OutboundPolicies>()[Client];

        var answered = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.Http.PostAsync("http://service.test/chat.postMessage", new StringContent("x")));
        Assert.InRange(answered.RetryAfter!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));

        policy.Circuit.Reset();
        var refused = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.Http.GetAsync("http://service.test/x"));
        Assert.IsType<HttpRequestException>(refused.InnerException);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task EachClient_HasItsOwnCircuit()
    {
        var server = new StubServer(_ => Respond(HttpStatusCode.BadGateway));
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<OutboundOptions>(o => (o.MaxRetries, o.FailuresBeforeBreaking) = (0, 1));
        services.AddHttpClient("a").AddOutboundPolicies("a").ConfigurePrimaryHttpMessageHandler(server.Handler);
        services.AddHttpClient("b").AddOutboundPolicies("b").ConfigurePrimaryHttpMessageHandler(server.Handler);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("a").GetAsync("http://service.test/x"));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("a").GetAsync("http://service.test/x"));
        Assert.Equal(1, server.Calls);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("b").GetAsync("http://service.test/x"));

        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public void RetryAfter_ReadsSecondsAndDates_CountingFromTheInjectedClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(90));
        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        past.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(-5));
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Equal(TimeSpan.FromSeconds(30), OutboundRequests.RetryAfter(seconds, clock));
        Assert.Equal(TimeSpan.FromSeconds(90), OutboundRequests.RetryAfter(date, clock));
        Assert.Equal(TimeSpan.Zero, OutboundRequests.RetryAfter(past, clock));
        Assert.Null(OutboundRequests.RetryAfter(none, clock));
    }

    private static ServiceProvider Build(Action<OutboundOptions> options, Action<IHttpClientBuilder> http, ListLoggerProvider? log = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (log is not null)
            {
                b.AddProvider(log);
            }
        });
        services.Configure(options);
        http(services.AddHttpClient<ProbeClient>().AddOutboundPolicies(Client));
        return services.BuildServiceProvider();
    }

    private static HttpResponseMessage Respond(HttpStatusCode status) => new(status);

    private static HttpResponseMessage RateLimited(TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public sealed class ProbeClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    /// <summary>The network end of a pipeline: answers each try and counts them, across the handlers it hands out.</summary>
    private sealed class StubServer(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        private int _calls;

        public StubServer(Func<HttpRequestMessage, HttpResponseMessage> answer)
            : this((request, _) => Task.FromResult(answer(request)))
        {
        }

        public int Calls => Volatile.Read(ref _calls);

        private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer { get; } = answer;

        /// <summary>A new primary handler (the factory disposes the old one when it rotates) of this same server.</summary>
        public HttpMessageHandler Handler() => new Endpoint(this);

        private sealed class Endpoint(StubServer server) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref server._calls);
                return server.Answer(request, cancellationToken);
            }
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(Messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
