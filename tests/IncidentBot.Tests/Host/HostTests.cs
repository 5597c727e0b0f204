using System.Net;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Core.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBot.Tests.Host;

public class HostTests
{
    [Fact]
    public async Task Health_And_Readiness_Answer()
    {
        using var factory = new BotFactory();
        using var client = factory.CreateClient();

        var live = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("work-queue").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_WhenDatabaseUnreachable_IsUnhealthy()
    {
        using var store = IncidentBot.Storage.Postgres.PostgresStorage.Open(
            new StorageOptions { Provider = "Postgres", ConnectionString = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2" },
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var result = await new StorageHealthCheck(store.Lifecycle).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Console_OutsideDevelopment_WithoutSignInConfigured_AnswersNotFound()
    {
        using var factory = new BotFactory();
        using var client = factory.CreateClient();

        var page = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task Console_Open_Serves_AndDisabled_DoesNotEvenWhenOpen()
    {
        using var open = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        var page = await open.CreateClient().GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("Who are you?", page);

        await using var disabled = await KestrelBot.StartAsync(new Dictionary<string, string?> { ["Web:Console:Enabled"] = "false", ["Web:Console:Open"] = "true" });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(disabled.BaseUrl + "/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(disabled.BaseUrl + "/healthz"))).StatusCode);
    }

    [Fact]
    public async Task Console_PostWithoutAntiforgeryToken_IsRefusedWithoutChange()
    {
        using var factory = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "incidentbot-console-user=mallory");

        var response = await client.PostAsync(new Uri("/?handler=Command", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "declare sev1 forged" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var list = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.DoesNotContain("forged", list);
    }
}
