using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Http;
using IncidentBot.Teams.Auth;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Outbound;

/// <summary>
/// The few Microsoft Graph calls the adapter makes (a channel per incident, a group chat for a private one), with an
/// app token from <c>Teams:Graph:*</c>. Posting into channels goes through the Bot Connector; Graph does not allow it.
/// </summary>
public sealed class TeamsGraphClient(HttpClient http, ClientCredentialsTokenClient tokens, IOptions<TeamsOptions> options, TimeProvider clock)
{
    /// <summary>The outbound client (and circuit) of Microsoft Graph.</summary>
    public const string Outbound = "graph";

    /// <summary>Teams' limit on channel display names.</summary>
    public const int MaxChannelName = 50;

    public async Task<string> CreateChannelAsync(string teamId, string displayName, string description, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["displayName"] = displayName, ["description"] = description, ["membershipType"] = "standard" };
        using var response = await SendAsync(HttpMethod.Post, $"teams/{Uri.EscapeDataString(teamId)}/channels", body, "Graph create channel", cancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A channel message as Graph lists it: who wrote it (an Entra user id), when, and its text.</summary>
    public sealed record ChannelMessage(string Id, DateTimeOffset CreatedAt, string UserId, string? UserName, string Html, string? WebUrl);

    /// <summary>
    /// People's top-level messages in a team channel posted from <paramref name="from"/> up to <paramref name="to"/>,
    /// oldest first (<c>GET /teams/{team}/channels/{channel}/messages</c>, newest first, 50 a page). Needs
    /// <c>ChannelMessage.Read.Group</c> (resource-specific consent, granted with the app in that team) or
    /// <c>ChannelMessage.Read.All</c>; system events and messages of apps are left out.
    /// </summary>
    public async Task<IReadOnlyList<ChannelMessage>> ChannelMessagesAsync(string teamId, string channelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var found = new List<ChannelMessage>();
        string? next = $"teams/{Uri.EscapeDataString(teamId)}/channels/{Uri.EscapeDataString(channelId)}/messages?$top=50";
        for (var page = 0; next is not null && page < 20; page++)
        {
            using var response = await SendAsync(HttpMethod.Get, next, null, "Graph list channel messages", cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var olderThanWindow = false;
            foreach (var m in json.RootElement.GetProperty("value").EnumerateArray())
            {
                if (!DateTimeOffset.TryParse(Str(m, "createdDateTime"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                {
                    continue;
                }

                olderThanWindow |= at < from;
                var user = m.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
                if (at < from || at > to || Str(m, "messageType") != "message" || Str(user, "id") is not { Length: > 0 } userId || Str(m, "deletedDateTime") is not null)
                {
                    continue;
                }

                var body = m.TryGetProperty("body", out var b) ? Str(b, "content") ?? string.Empty : string.Empty;
                found.Add(new ChannelMessage(Str(m, "id") ?? string.Empty, at, userId, Str(user, "displayName"), body, Str(m, "webUrl")));
            }

            next = olderThanWindow ? null : Str(json.RootElement, "@odata.nextLink");
        }

        return [.. found.OrderBy(m => m.CreatedAt)];
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

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

    public sealed record CalendarOccurrence(string Id, DateTime StartUtc, bool IsCancelled)
    {
        /// <summary>Who the occurrence invites now.</summary>
        public IReadOnlyList<GraphAttendee> Attendees { get; init; } = [];
    }

    /// <summary>An invitee of a calendar event: address, display name, and <c>required</c> / <c>optional</c> / <c>resource</c>.</summary>
    public sealed record GraphAttendee(string Address, string? Name, string Type);

    /// <summary>Occurrences of a recurring event between two instants (start times in UTC), earliest first.</summary>
    public async Task<IReadOnlyList<CalendarOccurrence>> OccurrencesAsync(string mailbox, string seriesId, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        var path = $"users/{Uri.EscapeDataString(mailbox)}/events/{Uri.EscapeDataString(seriesId)}/instances" +
            $"?startDateTime={fromUtc:yyyy-MM-ddTHH:mm:ssZ}&endDateTime={toUtc:yyyy-MM-ddTHH:mm:ssZ}&$select=id,start,isCancelled,attendees";
        using var response = await SendAsync(HttpMethod.Get, path, null, "Graph event instances", cancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetProperty("value").EnumerateArray().Select(e => new CalendarOccurrence(
                e.GetProperty("id").GetString()!,
                DateTime.SpecifyKind(DateTime.Parse(e.GetProperty("start").GetProperty("dateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc),
                e.TryGetProperty("isCancelled", out var c) && c.ValueKind == JsonValueKind.True)
            {
                Attendees = e.TryGetProperty("attendees", out var attendees) && attendees.ValueKind == JsonValueKind.Array
                    ? attendees.EnumerateArray()
                        .Where(a => a.TryGetProperty("emailAddress", out var address) && address.TryGetProperty("address", out _))
                        .Select(a => new GraphAttendee(
                            a.GetProperty("emailAddress").GetProperty("address").GetString()!,
                            a.GetProperty("emailAddress").TryGetProperty("name", out var name) ? name.GetString() : null,
                            a.TryGetProperty("type", out var type) ? type.GetString() ?? "required" : "required"))
                        .ToList()
                    : [],
            })
            .OrderBy(o => o.StartUtc)
            .ToList();
    }

    /// <summary>Writes the event's text; with <paramref name="attendees"/>, its whole attendee list too (Graph replaces it).</summary>
    public async Task UpdateEventBodyAsync(string mailbox, string eventId, string text, IReadOnlyList<GraphAttendee>? attendees, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["body"] = new JsonObject { ["contentType"] = "text", ["content"] = text } };
        if (attendees is not null)
        {
            body["attendees"] = new JsonArray([.. attendees.Select(a => (JsonNode)new JsonObject
            {
                ["type"] = a.Type,
                ["emailAddress"] = a.Name is null ? new JsonObject { ["address"] = a.Address } : new JsonObject { ["address"] = a.Address, ["name"] = a.Name },
            })]);
        }

        using var _ = await SendAsync(HttpMethod.Patch, $"users/{Uri.EscapeDataString(mailbox)}/events/{Uri.EscapeDataString(eventId)}", body, "Graph update event", cancellationToken);
    }

    /// <summary>Cancels one occurrence; Outlook tells the attendees, with the comment.</summary>
    public async Task CancelEventAsync(string mailbox, string eventId, string comment, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["comment"] = comment };
        using var _ = await SendAsync(HttpMethod.Post, $"users/{Uri.EscapeDataString(mailbox)}/events/{Uri.EscapeDataString(eventId)}/cancel", body, "Graph cancel event", cancellationToken);
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

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, string what, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var token = await tokens.GetTokenAsync(o.LoginBaseUrl, o.Graph.TenantId!, o.Graph.ClientId!, o.Graph.ClientSecret!, ClientCredentialsTokenClient.GraphScope, cancellationToken);
        using var request = new HttpRequestMessage(method, new Uri(new Uri(o.Graph.BaseUrl.EndsWith('/') ? o.Graph.BaseUrl : o.Graph.BaseUrl + "/"), path))
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == HttpMethod.Patch)
        {
            // A PATCH sets fields to given values: landing twice leaves the event as landing once.
            request.MarkSafeToRepeat();
        }

        // Event times come back in UTC, whatever the mailbox's own zone.
        request.Headers.TryAddWithoutValidation("Prefer", "outlook.timezone=\"UTC\"");
        var response = await http.SendAsync(request, cancellationToken);
        await TeamsConnectorClient.ThrowOnErrorAsync(response, what, clock, cancellationToken);
        return response;
    }
}
