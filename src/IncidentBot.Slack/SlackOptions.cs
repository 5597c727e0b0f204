using Microsoft.Extensions.Options;

namespace IncidentBot.Slack;

/// <summary>Settings under <c>Slack</c>. Slack is on when <see cref="BotToken"/> is set.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Verifies HTTP requests from Slack. Without it the HTTP endpoints are off (Socket Mode needs none).</summary>
    public string? SigningSecret { get; set; }

    /// <summary><c>xoxb-…</c> for the Web API. Slack is off without it.</summary>
    public string? BotToken { get; set; }

    /// <summary><c>xapp-…</c> app-level token with <c>connections:write</c>: turns on Socket Mode.</summary>
    public string? AppToken { get; set; }

    /// <summary>Web API base. Default <c>https://slack.com/api/</c> (GovSlack: <c>https://slack-gov.com/api/</c>).</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Channel id (<c>C…</c>) where incidents are announced. Default: none.</summary>
    public string? AnnouncementsChannel { get; set; }

    /// <summary>Reaction that captures a message into the timeline. Default <c>pushpin</c>.</summary>
    public string TimelineEmoji { get; set; } = "pushpin";

    /// <summary>
    /// Reaction that marks a message of an incident channel as a key moment (capturing it first); taking it away
    /// unmarks it. Default <c>star</c>.
    /// </summary>
    public string KeyMomentEmoji { get; set; } = "star";

    /// <summary>Archive the incident channel this long after it closes (<c>7.00:00:00</c>). Default: never.</summary>
    public TimeSpan? ArchiveAfter { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public bool HttpEnabled => Enabled && !string.IsNullOrWhiteSpace(SigningSecret);

    public bool SocketModeEnabled => Enabled && !string.IsNullOrWhiteSpace(AppToken);

    public Uri ApiBase => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/");
}

internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var errors = new List<string>();
        if (options.BotToken is { Length: > 0 } bot && !bot.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            errors.Add("Slack:BotToken must be a bot token starting with 'xoxb-' (OAuth & Permissions → Bot User OAuth Token).");
        }

        if (options.AppToken is { Length: > 0 } app && !app.StartsWith("xapp-", StringComparison.Ordinal))
        {
            errors.Add("Slack:AppToken must be an app-level token starting with 'xapp-' (Basic Information → App-Level Tokens, scope connections:write).");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"Slack:ApiBaseUrl must be an absolute URL such as https://slack.com/api/ (got '{options.ApiBaseUrl}').");
        }

        if (string.IsNullOrWhiteSpace(options.TimelineEmoji) || options.TimelineEmoji.Contains(':', StringComparison.Ordinal))
        {
            errors.Add("Slack:TimelineEmoji must be an emoji name without colons, such as pushpin.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyMomentEmoji) || options.KeyMomentEmoji.Contains(':', StringComparison.Ordinal))
        {
            errors.Add("Slack:KeyMomentEmoji must be an emoji name without colons, such as star.");
        }

        if (options.ArchiveAfter is { } after && after <= TimeSpan.Zero)
        {
            errors.Add("Slack:ArchiveAfter must be positive (for example 7.00:00:00), or left out to never archive.");
        }

        var partial = !options.Enabled && (!string.IsNullOrWhiteSpace(options.SigningSecret) || !string.IsNullOrWhiteSpace(options.AppToken));
        if (partial)
        {
            errors.Add("Slack:BotToken is required when Slack:SigningSecret or Slack:AppToken is set (the bot needs it to post).");
        }

        if (options.Enabled && string.IsNullOrWhiteSpace(options.SigningSecret) && string.IsNullOrWhiteSpace(options.AppToken))
        {
            errors.Add("Slack:BotToken is set but neither Slack:SigningSecret (HTTP) nor Slack:AppToken (Socket Mode) is: Slack could not reach the bot.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
