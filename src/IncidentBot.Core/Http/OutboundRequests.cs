namespace IncidentBot.Core.Http;

/// <summary>What the outbound policies need to know about a request and its answer.</summary>
public static class OutboundRequests
{
    /// <summary>
    /// Set on a request whose method is not idempotent by HTTP's rules but whose effect is (a read sent as POST, as
    /// every Slack Web API call is; adding a pin that may already be there): it may be sent again after a timeout or
    /// a 5xx, when the first one may have reached the service.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SafeToRepeat = new("IncidentBot.SafeToRepeat");

    /// <summary>Marks <paramref name="request"/> as safe to send again (see <see cref="SafeToRepeat"/>).</summary>
    public static HttpRequestMessage MarkSafeToRepeat(this HttpRequestMessage request)
    {
        request.Options.Set(SafeToRepeat, true);
        return request;
    }

    /// <summary>GET, HEAD, OPTIONS, PUT and DELETE are idempotent by HTTP's rules; anything else only when marked.</summary>
    public static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || (request.Options.TryGetValue(SafeToRepeat, out var safe) && safe);

    /// <summary>The <c>Retry-After</c> header as a wait (seconds, or an HTTP date counted from <paramref name="clock"/>), if present.</summary>
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

    /// <summary>
    /// True when the request cannot have reached the service: no connection was made (refused, no such host, TLS or
    /// proxy handshake failed). Only then is a request that is not safe to repeat sent again.
    /// </summary>
    public static bool NeverSent(HttpRequestException exception) => exception.HttpRequestError is
        HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
}
