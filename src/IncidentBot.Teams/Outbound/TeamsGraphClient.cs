using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Teams.Auth;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Outbound;

/// <summary>
/// The few Microsoft Graph calls the adapter makes (a channel per incident, a group chat for a private one), with an
/// app token from <c>Teams:Graph:*</c>. Posting into channels goes through the Bot Connector; Graph does not allow it.
/// </summary>
public sealed class TeamsGraphClient(HttpClient http, ClientCredentialsTokenClient tokens, IOptions<TeamsOptions> options, TimeProvider clock)
{
    /// <summary>Teams' limit on channel display names.</summary>
    public const int MaxChannelName = 50;

    public async Task<string> CreateChannelAsync(string teamId, string displayName, string description, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["displayName"] = displayName, ["description"] = description, ["membershipType"] = "standard" };
        using var response = await SendAsync(HttpMethod.Post, $"teams/{Uri.EscapeDataString(teamId)}/channels", body, "Graph create channel", cancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<string> CreateGroupChatAsync(string topic, IEnumerable<string> userIds, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.Graph.BaseUrl.TrimEnd('/');
        var members = new JsonArray([.. userIds.Distinct().Select(id => (JsonNode)new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.aadUserConversationMember",
            ["roles"] = new JsonArray("owner"),
            ["user@odata.bind"] = $"{baseUrl}/users('{id}')",
        })]);
        var body = new JsonObject { ["chatType"] = "group", ["topic"] = topic, ["members"] = members };
        using var response = await SendAsync(HttpMethod.Post, "chats", body, "Graph create chat", cancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>"INC-42 Checkout errors": Teams allows up to 50 characters and not ~ # % &amp; * { } + / \ : &lt; &gt; ? | ' " ..</summary>
    public static string ChannelName(int number, string title)
    {
        var clean = new StringBuilder();
        foreach (var c in title)
        {
            clean.Append("~#%&*{}+/\\:<>?|'\"".Contains(c, StringComparison.Ordinal) || char.IsControl(c) ? ' ' : c);
        }

        var name = $"INC-{number} {string.Join(' ', clean.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))}".Trim();
        while (name.Contains("..", StringComparison.Ordinal))
        {
            name = name.Replace("..", ".", StringComparison.Ordinal);
        }

        name = name.Length <= MaxChannelName ? name : name[..MaxChannelName].TrimEnd();
        return name.TrimStart('_', '.').TrimEnd('.');
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject body, string what, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var token = await tokens.GetTokenAsync(o.LoginBaseUrl, o.Graph.TenantId!, o.Graph.ClientId!, o.Graph.ClientSecret!, ClientCredentialsTokenClient.GraphScope, cancellationToken);
        using var request = new HttpRequestMessage(method, new Uri(new Uri(o.Graph.BaseUrl.EndsWith('/') ? o.Graph.BaseUrl : o.Graph.BaseUrl + "/"), path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, cancellationToken);
        await TeamsConnectorClient.ThrowOnErrorAsync(response, what, clock, cancellationToken);
        return response;
    }
}
