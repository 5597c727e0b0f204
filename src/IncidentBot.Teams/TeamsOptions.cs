using Microsoft.Extensions.Options;

namespace IncidentBot.Teams;

/// <summary>Settings under <c>Teams</c>.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>
    /// The bot's Microsoft App ID. Without it Teams is off (<c>/api/messages</c> answers 401) unless
    /// <see cref="AllowUnauthenticated"/> is on.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>
    /// Without an App ID, accept activities without a token (Microsoft 365 Agents Playground in a lab). Anyone who
    /// can reach the bot can then act as any Teams user. Unset: on in the Development environment only.
    /// </summary>
    public bool? AllowUnauthenticated { get; set; }

    /// <summary>
    /// Service URLs an unauthenticated bot may call besides loopback ones (a URL covers the paths under it). The
    /// caller chooses an activity's service URL, so without this list it could make the bot post anywhere.
    /// </summary>
    public List<string> AllowedServiceUrls { get; set; } = [];

    /// <summary>The bot's client secret, for outbound calls to the Bot Connector.</summary>
    public string? AppPassword { get; set; }

    /// <summary>The bot's tenant (single-tenant bots). Legacy multi-tenant bots leave it empty.</summary>
    public string? TenantId { get; set; }

    /// <summary>Tenants whose activities are accepted. Default: <see cref="TenantId"/> when set, else any.</summary>
    public List<string> AllowedTenants { get; set; } = [];

    /// <summary>Bot Connector OpenID metadata. Default <c>https://login.botframework.com/v1/.well-known/openidconfiguration</c>.</summary>
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Microsoft identity platform base for tokens. Default <c>https://login.microsoftonline.com/</c>.</summary>
    public string LoginBaseUrl { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>Graph team id (the <c>aadGroupId</c> GUID) where incident channels are made.</summary>
    public string? IncidentsTeamId { get; set; }

    /// <summary><c>19:…</c> channel for announcements and, without Graph, incident threads.</summary>
    public string? IncidentsChannelId { get; set; }

    public GraphOptions Graph { get; set; } = new();

    /// <summary>Every activity must carry a token the channel service signed for this App ID.</summary>
    public bool Authenticated => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>Activities are accepted without a token: no App ID, and <see cref="AllowUnauthenticated"/> on.</summary>
    public bool Unauthenticated => !Authenticated && AllowUnauthenticated == true;

    public bool GraphConfigured => Graph.Configured;

    public IReadOnlyList<string> EffectiveAllowedTenants =>
        AllowedTenants.Count > 0 ? AllowedTenants : TenantId is { Length: > 0 } tenant ? [tenant] : [];
}

public sealed class GraphOptions
{
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Graph base. Default <c>https://graph.microsoft.com/v1.0/</c>.</summary>
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0/";

    public bool Configured => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}

internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var errors = new List<string>();
        if (options.Authenticated && !Guid.TryParse(options.AppId, out _))
        {
            errors.Add($"Teams:AppId must be the bot's Microsoft App ID, a GUID (got '{options.AppId}').");
        }

        if (options.Authenticated && string.IsNullOrWhiteSpace(options.AppPassword))
        {
            errors.Add("Teams:AppPassword is required when Teams:AppId is set (the bot's client secret, to reply through the Bot Connector).");
        }

        if (options.IncidentsChannelId is { Length: > 0 } channel && !channel.StartsWith("19:", StringComparison.Ordinal))
        {
            errors.Add($"Teams:IncidentsChannelId must be a Teams channel id starting with '19:' (got '{channel}').");
        }

        if (options.IncidentsTeamId is { Length: > 0 } team && !Guid.TryParse(team, out _))
        {
            errors.Add($"Teams:IncidentsTeamId must be the team's Graph id (its aadGroupId GUID), not its 19:… thread id (got '{team}').");
        }

        for (var i = 0; i < options.AllowedServiceUrls.Count; i++)
        {
            if (!Uri.TryCreate(options.AllowedServiceUrls[i], UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"Teams:AllowedServiceUrls:{i} must be an absolute http(s) URL (got '{options.AllowedServiceUrls[i]}').");
            }
        }

        var graph = options.Graph;
        var anyGraph = new[] { graph.TenantId, graph.ClientId, graph.ClientSecret }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (anyGraph is > 0 and < 3)
        {
            errors.Add("Teams:Graph:TenantId, Teams:Graph:ClientId and Teams:Graph:ClientSecret must be set together.");
        }

        foreach (var (key, url) in new[] { ("Teams:OpenIdMetadataUrl", options.OpenIdMetadataUrl), ("Teams:LoginBaseUrl", options.LoginBaseUrl), ("Teams:Graph:BaseUrl", graph.BaseUrl) })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"{key} must be an absolute URL (got '{url}').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
