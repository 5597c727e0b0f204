using IncidentBot.Core.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Auth;

/// <summary>Registers the token validator and the token client.</summary>
public static class TeamsAuthServiceCollectionExtensions
{
    public const string ValidatorHttpClientName = "IncidentBot.Teams.Auth.BotFrameworkTokenValidator";
    public const string TokenHttpClientName = "IncidentBot.Teams.Auth.ClientCredentialsTokenClient";

    /// <summary>
    /// Registers <see cref="BotFrameworkTokenValidator"/> and <see cref="ClientCredentialsTokenClient"/> as
    /// singletons, because each owns a cache (signing keys; access tokens) that a transient typed client would
    /// lose on every request. Each gets its own named HttpClient whose connections are recycled every few
    /// minutes, so DNS changes are still picked up although the client lives as long as the app.
    /// Configure <see cref="BotAuthOptions"/> separately (e.g. <c>services.Configure&lt;BotAuthOptions&gt;(section)</c>).
    /// </summary>
    public static IServiceCollection AddTeamsAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<BotAuthOptions>();
        services.TryAddSingleton(TimeProvider.System);

        AddLongLivedClient(services, ValidatorHttpClientName);
        AddLongLivedClient(services, TokenHttpClientName).AddOutboundPolicies(ClientCredentialsTokenClient.Outbound);

        services.TryAddSingleton(sp => new BotFrameworkTokenValidator(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ValidatorHttpClientName),
            sp.GetRequiredService<IOptions<BotAuthOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BotFrameworkTokenValidator>>()));
        services.TryAddSingleton(sp => new ClientCredentialsTokenClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(TokenHttpClientName),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static IHttpClientBuilder AddLongLivedClient(IServiceCollection services, string name) =>
        services.AddHttpClient(name, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
}
