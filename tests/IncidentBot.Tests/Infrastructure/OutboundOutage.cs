using IncidentBot.Core.Http;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Teams.Auth;
using IncidentBot.Teams.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Holds every outbound client's circuit open (as if Slack, Teams, Graph and the token endpoint were all down), and lets it go.</summary>
public static class OutboundOutage
{
    public static readonly string[] Clients =
    [
        SlackApiClient.Outbound, SlackResponseUrlClient.Outbound, SlackConnectionsOpenClient.Outbound,
        TeamsConnectorClient.Outbound, TeamsGraphClient.Outbound, ClientCredentialsTokenClient.Outbound,
    ];

    public static void Begin(IServiceProvider services)
    {
        var policies = services.GetRequiredService<OutboundPolicies>();
        foreach (var client in Clients)
        {
            policies[client].Circuit.Isolate();
        }
    }

    public static void End(IServiceProvider services)
    {
        var policies = services.GetRequiredService<OutboundPolicies>();
        foreach (var client in Clients)
        {
            policies[client].Circuit.Reset();
        }
    }
}
