using IncidentBot.Core.Http;
using IncidentBot.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

internal static class SlackSocketModeRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<SocketModeOptions>().Configure<IOptions<SlackOptions>>((socket, slack) => socket.AppToken = slack.Value.AppToken ?? string.Empty);
        services.AddHttpClient<SlackConnectionsOpenClient>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBase)
            // The connector lives in a long-lived singleton: recycle pooled connections (DNS) instead of handlers.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddOutboundPolicies(SlackConnectionsOpenClient.Outbound);
        services.TryAddSingleton<ISocketModeConnector>(sp => sp.GetRequiredService<SlackConnectionsOpenClient>());
        services.TryAddSingleton<ISocketModeDispatcher, SlackSocketModeDispatcher>();
        services.TryAddSingleton<SocketModeClient>();
        services.AddHostedService<SlackSocketModeHost>();
    }
}

/// <summary>Runs the Socket Mode client only when <c>Slack:AppToken</c> (and the bot token) are set.</summary>
internal sealed class SlackSocketModeHost(IServiceProvider services, IOptions<SlackOptions> options, ILogger<SlackSocketModeHost> logger) : IHostedService
{
    private SocketModeClient? _client;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SocketModeEnabled)
        {
            return Task.CompletedTask;
        }

        logger.LogInformation("Slack Socket Mode on: no public URL needed");
        _client = services.GetRequiredService<SocketModeClient>();
        return _client.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _client?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
