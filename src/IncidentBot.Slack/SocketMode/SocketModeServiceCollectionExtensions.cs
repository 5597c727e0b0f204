using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBot.Slack.SocketMode;

public static class SocketModeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Socket Mode client as a hosted service (and as a singleton, to read its
    /// <see cref="SocketModeClient.Status"/>), the apps.connections.open client and <see cref="TimeProvider.System"/>
    /// if no clock is registered. An <see cref="ISocketModeDispatcher"/> must be registered by the caller;
    /// bind <see cref="SocketModeOptions"/> from configuration with <c>Configure&lt;SocketModeOptions&gt;</c> or pass <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Extra option settings, applied after any configuration binding registered before.</param>
    /// <param name="apiBaseUrl">Slack Web API base, https://slack.com/api/ when null.</param>
    public static IServiceCollection AddSlackSocketMode(
        this IServiceCollection services,
        Action<SocketModeOptions>? configure = null,
        Uri? apiBaseUrl = null)
    {
        var options = services.AddOptions<SocketModeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<ISocketModeConnector, SlackConnectionsOpenClient>(http =>
            {
                http.BaseAddress = apiBaseUrl ?? SlackConnectionsOpenClient.DefaultApiBaseUrl;
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            // The connector is held by a long-lived singleton: recycle pooled connections instead of handlers.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<SocketModeClient>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketModeClient>());
        return services;
    }
}
