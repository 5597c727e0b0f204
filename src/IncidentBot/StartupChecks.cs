using IncidentBot.Slack;
using IncidentBot.Teams;
using IncidentBot.Web;
using IncidentBot.Web.Access;
using Microsoft.Extensions.Options;

namespace IncidentBot;

/// <summary>Things worth a warning once the bot listens: settings that work but will surprise someone later.</summary>
internal static class StartupChecks
{
    public static void Run(IServiceProvider services, ILogger logger)
    {
        var slack = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var teams = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var web = services.GetRequiredService<IOptions<WebOptions>>().Value;
        var urls = services.GetRequiredService<PublicUrls>();
        foreach (var warning in services.GetService<ConfigurationCheck.Result>()?.Warnings ?? [])
        {
            logger.LogWarning("{Warning}", warning);
        }

        WarnAboutTrust(services, teams, web, logger);
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
        else if (teams.Unauthenticated)
        {
            chat.Add("Teams (unauthenticated)");
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

    /// <summary>
    /// The settings that let someone act without proving who they are. Each is a choice (or the Development
    /// default), so each is said out loud at start-up.
    /// </summary>
    private static void WarnAboutTrust(IServiceProvider services, TeamsOptions teams, WebOptions web, ILogger logger)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        string Why(string key) => configuration[key] is { Length: > 0 } ? "set explicitly" : "the default in the Development environment";
        if (teams.Unauthenticated)
        {
            logger.LogWarning(
                "Teams:AllowUnauthenticated is on ({Why}) and Teams:AppId is not set: /api/messages accepts activities without a token from anyone who can reach it, " +
                "who can then act as any Teams user (a facilitator's id sees private incidents). Replies go only to loopback service URLs{AllowedServiceUrls}. " +
                "For a lab with Microsoft 365 Agents Playground only, never in production",
                Why("Teams:AllowUnauthenticated"),
                teams.AllowedServiceUrls.Count > 0 ? " and " + string.Join(", ", teams.AllowedServiceUrls) : string.Empty);
        }
        else if (!teams.Authenticated)
        {
            logger.LogInformation("Teams is off: Teams:AppId is not set, so /api/messages refuses every activity (README: Connecting Microsoft Teams)");
        }

        var console = services.GetRequiredService<ConsoleAccess>();
        if (console.Open)
        {
            logger.LogWarning(
                "Web:Console:Open is on ({Why}): the console at / trusts any name typed into it, so anyone who can reach it can act as anyone, " +
                "a facilitator included. For a lab only, never in production: people sign in with Web:SignIn instead",
                Why("Web:Console:Open"));
        }
        else if (console.Enabled && !console.CanSignIn)
        {
            logger.LogInformation(
                "The console at / needs sign-in and neither Web:SignIn nor Web:ApiTokens gives a way to sign in, so it answers 404. In a lab, Web:Console:Open opens it");
        }

        if (string.Equals(configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning(
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true: X-Forwarded-For and X-Forwarded-Proto are believed from every caller, whatever Web:KnownProxies says, " +
                "so anyone can forge the client address and scheme the bot sees. Unset it and list the proxy's address in Web:KnownProxies");
        }
    }
}
