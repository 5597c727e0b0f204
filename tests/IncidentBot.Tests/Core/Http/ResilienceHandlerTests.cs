using System.Net;
using System.Net.Http.Headers;
using IncidentBot.Core.Http;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Http;

public class ResilienceHandlerTests
{
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

        Assert.Equal(TimeSpan.FromSeconds(30), ResilienceHandler.RetryAfter(seconds, clock));
        Assert.Equal(TimeSpan.FromSeconds(90), ResilienceHandler.RetryAfter(date, clock));
        Assert.Equal(TimeSpan.Zero, ResilienceHandler.RetryAfter(past, clock));
        Assert.Null(ResilienceHandler.RetryAfter(none, clock));
    }
}
