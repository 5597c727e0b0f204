using IncidentBot.Slack;
using IncidentBot.Teams;
using IncidentBot.Web;
using Microsoft.Extensions.Options;

namespace IncidentBot;

/// <summary>Things worth a warning once the bot listens: settings that work but will surprise someone later.</summary>
internal static class StartupChecks
{
    public static void Run(IServiceProvider services, ILogger logger)
    {
        var slack = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var teams = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var urls = services.GetRequiredService<PublicUrls>();
        var chat = new List<string>();
        if (slack.Enabled)
        {
            chat.Add(slack.SocketModeEnabled ? "Slack (Socket Mode)" : "Slack (HTTP)");
        }

        if (teams.Authenticated)
        {
            chat.Add(teams.GraphConfigured ? "Teams (with Graph)" : "Teams");
            if (string.IsNullOrWhiteSpace(teams.IncidentsChannelId))
            {
                logger.LogWarning("Teams:IncidentsChannelId is not set: the bot answers commands in Teams but posts no cards or announcements there");
            }
        }
        else
        {
            logger.LogWarning(
                "Teams:AppId is not set: /api/messages accepts unauthenticated activities from this machine only (Microsoft 365 Agents Playground). Set Teams:AppId and Teams:AppPassword for real Teams");
        }

        if (chat.Count == 0)
        {
            logger.LogInformation("No chat platform configured: try the console at {Url}/ (README: Connecting Slack)", urls.BaseUrl);
            return;
        }

        logger.LogInformation("Chat platforms on: {Platforms}", string.Join(", ", chat));
        if (urls.BaseUrl is not { } baseUrl || PublicUrls.IsLoopback(baseUrl))
        {
            logger.LogWarning(
                "Web:PublicBaseUrl is {Url}, a loopback address: the incident-page links the bot posts to chat will not open for anyone else. Set Web:PublicBaseUrl to the address people reach the bot at",
                urls.BaseUrl ?? "(unset)");
        }
    }
}
