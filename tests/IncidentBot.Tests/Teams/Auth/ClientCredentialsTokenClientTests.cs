using System.Net;
using IncidentBot.Teams.Auth;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Teams.Auth;

public sealed class ClientCredentialsTokenClientTests : IDisposable
{
    private const string LoginBase = "https://login.microsoftonline.test/";
    private const string TeamsTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string BotClientId = "3f2c5a8e-7d41-4b9a-9e36-0c1d2b4f6a85";
    private const string BotSecret = "s3cr3t~value.that/must+never&leak=";
    private const string GraphClientId = "5e0d7c2a-1f43-4b8e-b6a9-7c3d2e1f0a94";
    private const string GraphSecret = "graph~secret";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2031, 3, 4, 10, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _handler = new();
    private int _issued;

    public ClientCredentialsTokenClientTests()
    {
        _handler.Respond = (_, _) => Task.FromResult(Issue(3599));
    }

    public void Dispose() => _handler.Dispose();

    /// <summary>
    /// A successful answer, shaped like the example in "Microsoft identity platform and the OAuth 2.0 client
    /// credentials flow" (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
    /// token_type, expires_in, ext_expires_in, access_token.
    /// </summary>
    private HttpResponseMessage Issue(int expiresIn)
    {
        var n = Interlocked.Increment(ref _issued);
        return StubHttpHandler.Json($$"""
            {
              "token_type": "Bearer",
              "expires_in": {{expiresIn}},
              "ext_expires_in": {{expiresIn}},
              "access_token": "token-{{n}}"
            }
            """);
    }

    private ClientCredentialsTokenClient CreateClient() => new(new HttpClient(_handler), _clock);

    private static Task<string> GetBotToken(ClientCredentialsTokenClient client, CancellationToken cancellationToken = default) =>
        client.GetTokenAsync(LoginBase, TeamsTenant, BotClientId, BotSecret, ClientCredentialsTokenClient.BotFrameworkScope, cancellationToken);

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&').Select(pair => pair.Split('=', 2)).ToDictionary(
            kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')),
            kv => Uri.UnescapeDataString(kv[1].Replace('+', ' ')));

    [Fact]
    public async Task The_token_request_is_a_client_credentials_post_to_the_tenant_token_endpoint()
    {
        var token = await GetBotToken(CreateClient());

        Assert.Equal("token-1", token);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"{LoginBase}{TeamsTenant}/oauth2/v2.0/token", request.Url);
        var form = ParseForm(request.Body!);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(BotClientId, form["client_id"]);
        Assert.Equal(BotSecret, form["client_secret"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
        Assert.Equal(4, form.Count);
    }

    [Fact]
    public async Task The_legacy_multi_tenant_bot_uses_the_botframework_tenant_and_a_base_url_without_slash_works()
    {
        await CreateClient().GetTokenAsync(
            "https://login.microsoftonline.test", ClientCredentialsTokenClient.BotFrameworkTenant, BotClientId, BotSecret,
            ClientCredentialsTokenClient.BotFrameworkScope, CancellationToken.None);

        Assert.Equal("https://login.microsoftonline.test/botframework.com/oauth2/v2.0/token", Assert.Single(_handler.Requests).Url);
    }

    [Fact]
    public async Task A_token_is_reused_until_five_minutes_before_it_expires_then_fetched_again()
    {
        var client = CreateClient();

        Assert.Equal("token-1", await GetBotToken(client));
        _clock.Advance(TimeSpan.FromSeconds(3599) - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal("token-1", await GetBotToken(client));
        Assert.Single(_handler.Requests);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", await GetBotToken(client));
        Assert.Equal(2, _handler.Requests.Count);

        Assert.Equal("token-2", await GetBotToken(client));
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task Tokens_are_cached_per_tenant_client_and_scope()
    {
        var client = CreateClient();

        var bot = await GetBotToken(client);
        var graph = await client.GetTokenAsync(
            LoginBase, TeamsTenant, GraphClientId, GraphSecret, ClientCredentialsTokenClient.GraphScope, CancellationToken.None);
        var botOtherTenant = await client.GetTokenAsync(
            LoginBase, ClientCredentialsTokenClient.BotFrameworkTenant, BotClientId, BotSecret,
            ClientCredentialsTokenClient.BotFrameworkScope, CancellationToken.None);

        Assert.Equal(["token-1", "token-2", "token-3"], [bot, graph, botOtherTenant]);
        Assert.Equal("https://graph.microsoft.com/.default", ParseForm(_handler.Requests[1].Body!)["scope"]);
        Assert.Equal(GraphSecret, ParseForm(_handler.Requests[1].Body!)["client_secret"]);

        Assert.Equal("token-1", await GetBotToken(client));
        Assert.Equal("token-2", await client.GetTokenAsync(
            LoginBase, TeamsTenant, GraphClientId, GraphSecret, ClientCredentialsTokenClient.GraphScope, CancellationToken.None));
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_token_request()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, _) =>
        {
            await release.Task;
            return Issue(3599);
        };
        var client = CreateClient();

        var callers = Enumerable.Range(0, 10).Select(_ => GetBotToken(client)).ToArray();
        release.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, t => Assert.Equal("token-1", t));
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task One_caller_giving_up_does_not_cancel_the_request_others_share()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, _) =>
        {
            await release.Task;
            return Issue(3599);
        };
        var client = CreateClient();
        using var impatient = new CancellationTokenSource();

        var quitter = GetBotToken(client, impatient.Token);
        var patient = GetBotToken(client);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        release.SetResult();

        Assert.Equal("token-1", await patient);
        Assert.Single(_handler.Requests);
    }

    /// <summary>
    /// The error body is shaped like the sample error response in "Microsoft Entra authentication and authorization
    /// error codes" (learn.microsoft.com/entra/identity-platform/reference-error-codes): error, error_description
    /// with trace lines, error_codes, timestamp, trace_id, correlation_id, error_uri.
    /// </summary>
    [Fact]
    public async Task An_error_answer_throws_with_the_aad_error_code_and_is_not_cached()
    {
        _handler.Respond = (_, _) => Task.FromResult(StubHttpHandler.Json(
            """
            {
              "error": "invalid_client",
              "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2031-03-04 10:00:00Z",
              "error_codes": [
                7000215
              ],
              "timestamp": "2031-03-04 10:00:00Z",
              "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333",
              "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd",
              "error_uri": "https://login.microsoftonline.com/error?code=7000215"
            }
            """,
            HttpStatusCode.Unauthorized));
        var client = CreateClient();

        var error = await Assert.ThrowsAsync<TokenAcquisitionException>(() => GetBotToken(client));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("invalid_client", error.Error);
        Assert.Equal([7000215L], error.AadErrorCodes);
        Assert.Equal("AADSTS7000215", error.AadErrorCode);
        Assert.Contains("AADSTS7000215", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Trace ID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BotSecret, error.Message, StringComparison.Ordinal);

        _handler.Respond = (_, _) => Task.FromResult(Issue(3599));
        Assert.Equal("token-1", await GetBotToken(client));
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_non_json_error_answer_still_throws_a_token_acquisition_exception()
    {
        _handler.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html>Bad gateway</html>"),
        });

        var error = await Assert.ThrowsAsync<TokenAcquisitionException>(() => GetBotToken(CreateClient()));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.Error);
        Assert.Empty(error.AadErrorCodes);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_token_endpoint_throws_a_token_acquisition_exception()
    {
        _handler.Respond = (_, _) => throw new HttpRequestException("no route to host");

        var error = await Assert.ThrowsAsync<TokenAcquisitionException>(() => GetBotToken(CreateClient()));

        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task A_success_answer_without_an_access_token_throws()
    {
        _handler.Respond = (_, _) => Task.FromResult(StubHttpHandler.Json("""{"token_type":"Bearer","expires_in":3599}"""));

        await Assert.ThrowsAsync<TokenAcquisitionException>(() => GetBotToken(CreateClient()));
    }

    [Fact]
    public async Task An_expires_in_sent_as_a_string_is_understood()
    {
        _handler.Respond = (_, _) => Task.FromResult(StubHttpHandler.Json(
            """{"token_type":"Bearer","expires_in":"3599","access_token":"v1-token"}"""));
        var client = CreateClient();

        Assert.Equal("v1-token", await GetBotToken(client));
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("v1-token", await GetBotToken(client));
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Missing_arguments_are_programming_errors()
    {
        var client = CreateClient();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetTokenAsync(
            LoginBase, TeamsTenant, BotClientId, "", ClientCredentialsTokenClient.BotFrameworkScope, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetTokenAsync(
            "not a url", TeamsTenant, BotClientId, BotSecret, ClientCredentialsTokenClient.BotFrameworkScope, CancellationToken.None));
        Assert.Empty(_handler.Requests);
    }
}
