using System.Text.Json.Nodes;
using IncidentBot.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Slack.SocketMode;

public sealed class SocketModeRegistrationTests
{
    [Fact]
    public void Registers_one_client_as_hosted_service_with_the_http_connector()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders());
        services.AddSingleton<ISocketModeDispatcher, NoopDispatcher>();

        services.AddSlackSocketMode(o => o.AppToken = "xapp-1");

        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SocketModeClient>();
        Assert.Same(client, Assert.Single(provider.GetServices<IHostedService>()));
        Assert.IsType<SlackConnectionsOpenClient>(provider.GetRequiredService<ISocketModeConnector>());
        Assert.Equal("xapp-1", provider.GetRequiredService<IOptions<SocketModeOptions>>().Value.AppToken);
    }

    private sealed class NoopDispatcher : ISocketModeDispatcher
    {
        public Task<JsonNode?> DispatchAsync(SocketModeEnvelope envelope, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);
    }
}
