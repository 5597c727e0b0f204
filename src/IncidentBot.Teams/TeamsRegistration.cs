using IncidentBot.Core;
using IncidentBot.Core.Http;
using IncidentBot.Teams.Auth;
using IncidentBot.Teams.Inbound;
using IncidentBot.Teams.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams;

public static class TeamsRegistration
{
    /// <summary>
    /// The Teams adapter. <c>/api/messages</c> is always mapped: with <c>Teams:AppId</c> every activity's JWT is
    /// validated; without it activities are refused unless <c>Teams:AllowUnauthenticated</c> is on (by default only in
    /// the Development environment, for Microsoft 365 Agents Playground). Posting on its own (cards, announcements)
    /// needs <c>Teams:IncidentsChannelId</c>.
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services)
    {
        services.AddOptions<TeamsOptions>().BindConfiguration(TeamsOptions.Section)
            .PostConfigure<IHostEnvironment>((o, environment) => o.AllowUnauthenticated ??= environment.IsDevelopment())
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.AddOptions<BotAuthOptions>().Configure<IOptions<TeamsOptions>>((auth, teams) =>
        {
            auth.AppId = string.IsNullOrWhiteSpace(teams.Value.AppId) ? null : teams.Value.AppId;
            auth.AllowUnauthenticated = teams.Value.Unauthenticated;
            auth.AllowedTenants = teams.Value.EffectiveAllowedTenants;
            auth.OpenIdMetadataUrl = teams.Value.OpenIdMetadataUrl;
        });
        services.AddTeamsAuth();

        services.AddHttpClient<TeamsConnectorClient>(http => http.Timeout = TimeSpan.FromSeconds(60)).AddOutboundPolicies(TeamsConnectorClient.Outbound);
        services.AddHttpClient<TeamsGraphClient>(http => http.Timeout = TimeSpan.FromSeconds(60)).AddOutboundPolicies(TeamsGraphClient.Outbound);
        services.TryAddSingleton<TeamsServiceUrls>();
        services.TryAddScoped<TeamsInbound>();
        services.TryAddScoped<TeamsInboxProcessor>();
        services.AddInboxProcessor<TeamsInboxProcessor>(TeamsInbound.Source);
        services.AddOutboxExecutor<TeamsOutboxExecutor>();
        services.AddOutboxExecutor<ReviewCalendarExecutor>();
        return services;
    }
}
