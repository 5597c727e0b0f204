using System.Net;
using System.Net.Http.Headers;
using IncidentBot.Core.Http;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.SocketMode;

/// <summary>
/// apps.connections.open over an HttpClient (typed client; base address = Slack API base such as
/// https://slack.com/api/, <see cref="DefaultApiBaseUrl"/> when unset; app token from options).
/// </summary>
public sealed class SlackConnectionsOpenClient(HttpClient http, IOptions<SocketModeOptions> options, TimeProvider clock) : ISocketModeConnector
{
    public const string Method = "apps.connections.open";

    /// <summary>The outbound client (and circuit) of connection opening; the socket's own reconnect backoff sits above it.</summary>
    public const string Outbound = "slack-connections";

    public static readonly Uri DefaultApiBaseUrl = new("https://slack.com/api/");

    public async Task<Uri> OpenAsync(CancellationToken cancellationToken)
    {
        var token = options.Value.AppToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new SocketModeException("missing_app_token", "No Slack app-level token (xapp-…) is configured for Socket Mode.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(http.BaseAddress))
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());

        // A second open only hands out a second URL, which is never used.
        request.MarkSafeToRepeat();

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SocketModeException("ratelimited", $"Slack rate-limited {Method}.")
            {
                RetryAfter = OutboundRequests.RetryAfter(response, clock),
            };
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SocketModeException($"http_{(int)response.StatusCode}", $"Slack answered {Method} with HTTP {(int)response.StatusCode}.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok))
            {
                throw new SocketModeException("invalid_response", $"Slack's answer to {Method} has no 'ok'.");
            }

            if (ok.ValueKind != JsonValueKind.True)
            {
                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                error = string.IsNullOrEmpty(error) ? "unknown_error" : error;
                throw new SocketModeException(error, $"Slack refused {Method}: {error}.");
            }

            var url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "wss" && uri.Scheme != "ws"))
            {
                throw new SocketModeException("invalid_response", $"Slack's answer to {Method} has no WebSocket url.");
            }

            return uri;
        }
        catch (JsonException ex)
        {
            throw new SocketModeException("invalid_response", $"Slack's answer to {Method} is not JSON.", ex);
        }
    }

    private static Uri Endpoint(Uri? baseAddress)
    {
        var root = (baseAddress ?? DefaultApiBaseUrl).AbsoluteUri;
        if (!root.EndsWith('/'))
        {
            root += "/";
        }

        return new Uri(new Uri(root), Method);
    }
}
