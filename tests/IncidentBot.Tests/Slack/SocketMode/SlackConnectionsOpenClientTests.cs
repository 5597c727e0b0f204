using System.Net;
using System.Text;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Slack.SocketMode;

public sealed class SlackConnectionsOpenClientTests
{
    [Fact]
    public async Task Posts_an_empty_form_with_the_app_token_as_bearer_and_returns_the_url()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"ok":true,"url":"wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1"}""");
        var client = Create(handler, "https://slack.com/api/", "xapp-1-A1-secret");

        var url = await client.OpenAsync(CancellationToken.None);

        Assert.Equal(new Uri("wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1"), url);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://slack.com/api/apps.connections.open"), request.Uri);
        Assert.Equal("Bearer xapp-1-A1-secret", request.Authorization);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("", request.Body);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5555/api")]
    [InlineData(null)]
    public async Task Resolves_the_method_under_the_api_base_with_or_without_trailing_slash(string? baseAddress)
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"ok":true,"url":"wss://example.test/link"}""");
        var client = Create(handler, baseAddress, "xapp-1");

        await client.OpenAsync(CancellationToken.None);

        var expected = baseAddress is null ? "https://slack.com/api/apps.connections.open" : "http://127.0.0.1:5555/api/apps.connections.open";
        Assert.Equal(new Uri(expected), Assert.Single(handler.Requests).Uri);
    }

    [Fact]
    public async Task Ok_false_throws_with_Slacks_error_code()
    {
        var client = Create(new StubHandler(HttpStatusCode.OK, """{"ok":false,"error":"invalid_auth"}"""), "https://slack.com/api/", "xapp-bad");

        var ex = await Assert.ThrowsAsync<SocketModeException>(() => client.OpenAsync(CancellationToken.None));

        Assert.Equal("invalid_auth", ex.Error);
        Assert.Contains("invalid_auth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limiting_throws_with_the_retry_after()
    {
        var handler = new StubHandler(HttpStatusCode.TooManyRequests, "", response => response.Headers.RetryAfter = new(TimeSpan.FromSeconds(7)));
        var client = Create(handler, "https://slack.com/api/", "xapp-1");

        var ex = await Assert.ThrowsAsync<SocketModeException>(() => client.OpenAsync(CancellationToken.None));

        Assert.Equal("ratelimited", ex.Error);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "<html>oops</html>", "invalid_response")]
    [InlineData(HttpStatusCode.OK, """{"ok":true}""", "invalid_response")]
    [InlineData(HttpStatusCode.OK, """{"ok":true,"url":"https://not-a-socket"}""", "invalid_response")]
    [InlineData(HttpStatusCode.BadGateway, "", "http_502")]
    public async Task Unusable_answers_throw(HttpStatusCode status, string body, string error)
    {
        var client = Create(new StubHandler(status, body), "https://slack.com/api/", "xapp-1");

        var ex = await Assert.ThrowsAsync<SocketModeException>(() => client.OpenAsync(CancellationToken.None));

        Assert.Equal(error, ex.Error);
    }

    [Fact]
    public async Task A_missing_app_token_throws_without_calling_Slack()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"ok":true,"url":"wss://x"}""");
        var client = Create(handler, "https://slack.com/api/", " ");

        var ex = await Assert.ThrowsAsync<SocketModeException>(() => client.OpenAsync(CancellationToken.None));

        Assert.Equal("missing_app_token", ex.Error);
        Assert.Empty(handler.Requests);
    }

    private static SlackConnectionsOpenClient Create(StubHandler handler, string? baseAddress, string token)
    {
        var http = new HttpClient(handler) { BaseAddress = baseAddress is null ? null : new Uri(baseAddress) };
        return new SlackConnectionsOpenClient(http, Options.Create(new SocketModeOptions { AppToken = token }), TestTime.NewClock());
    }

    private sealed record SeenRequest(HttpMethod Method, Uri? Uri, string? Authorization, string? ContentType, string Body);

    private sealed class StubHandler(HttpStatusCode status, string body, Action<HttpResponseMessage>? shape = null) : HttpMessageHandler
    {
        public List<SeenRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new SeenRequest(
                request.Method,
                request.RequestUri,
                request.Headers.Authorization?.ToString(),
                request.Content?.Headers.ContentType?.MediaType,
                content));
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            shape?.Invoke(response);
            return response;
        }
    }
}
