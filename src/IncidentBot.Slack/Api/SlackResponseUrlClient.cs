using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Api;

/// <summary>
/// Answers through a command's or action's <c>response_url</c> (no token; Slack allows five uses in 30 minutes). A
/// client of its own, with its own circuit: these URLs are per message and can fail on their own (expired, used up)
/// while the Web API is fine, and that must never stop forms from opening or posts from going out.
/// </summary>
public sealed class SlackResponseUrlClient(HttpClient http, ILogger<SlackResponseUrlClient> logger)
{
    /// <summary>The outbound client (and circuit) of response URLs.</summary>
    public const string Outbound = "slack-response-url";

    /// <summary>Posts <paramref name="message"/>; a refusal is logged, a failure to reach Slack is thrown.</summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        using var content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(responseUrl, UriKind.Absolute), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Slack response_url answered {Status}", (int)response.StatusCode);
        }
    }
}
