using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Http;
using IncidentBot.Core.Storage;
using IncidentBot.Teams.Auth;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Outbound;

/// <summary>Teams (or Graph) answered 429: retry after the wait instead of holding the worker.</summary>
public sealed class TeamsRateLimitedException(string what, TimeSpan retryAfter) : Exception($"{what} is rate limited; retry after {retryAfter.TotalSeconds:0} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed record TeamsMember(string Id, string? AadObjectId, string? Name);

/// <summary>A Connector or Graph call failed with an HTTP error; <see cref="Code"/> is the service's error code if it gave one.</summary>
public sealed class TeamsApiException(string what, HttpStatusCode status, string? code, string? detail)
    : Exception($"{what} failed: {(int)status} {code} {detail}".Trim())
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
}

/// <summary>
/// The Bot Connector REST API (<c>{serviceUrl}v3/…</c>): send, reply, update, new thread in a channel, personal chat. It only talks
/// to service URLs that arrived in accepted activities (stored as conversation references) and that
/// <see cref="TeamsServiceUrls"/> allows, and sends the bot's client-credentials token when the bot has an App ID.
/// </summary>
public sealed class TeamsConnectorClient(HttpClient http, ClientCredentialsTokenClient tokens, IOptions<TeamsOptions> options,
    IConversationStore conversations, TeamsServiceUrls serviceUrls, TimeProvider clock)
{
    /// <summary>The outbound client (and circuit) of the Bot Connector.</summary>
    public const string Outbound = "teams-connector";

    private static readonly ConcurrentDictionary<string, bool> Trusted = new(StringComparer.OrdinalIgnoreCase);

    public Task<string> SendAsync(string serviceUrl, string conversationId, JsonObject activity, CancellationToken cancellationToken) =>
        PostForIdAsync(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities", activity, cancellationToken);

    public Task<string> ReplyAsync(string serviceUrl, string conversationId, string replyToId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["replyToId"] = replyToId;
        return PostForIdAsync(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(replyToId)}", activity, cancellationToken);
    }

    public async Task UpdateAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["id"] = activityId;
        using var response = await SendRawAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}", activity, cancellationToken);
    }

    /// <summary>Starts a new thread in a channel with <paramref name="activity"/> as its first post; returns the thread's conversation id and the post's id.</summary>
    public async Task<(string ConversationId, string ActivityId)> CreateThreadAsync(string serviceUrl, string channelId, string? tenantId, JsonObject activity, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["isGroup"] = true,
            ["channelData"] = new JsonObject { ["channel"] = new JsonObject { ["id"] = channelId }, ["tenant"] = tenantId is null ? null : new JsonObject { ["id"] = tenantId } },
            ["activity"] = activity,
            ["tenantId"] = tenantId,
        };
        using var response = await SendRawAsync(HttpMethod.Post, serviceUrl, "v3/conversations", body, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var id = json.RootElement.GetProperty("id").GetString()!;
        var activityId = json.RootElement.TryGetProperty("activityId", out var a) ? a.GetString() : null;
        return (id, activityId ?? (id.Contains(";messageid=", StringComparison.Ordinal) ? id[(id.IndexOf(";messageid=", StringComparison.Ordinal) + 11)..] : string.Empty));
    }

    /// <summary>
    /// Opens (or finds again) the personal chat between the bot and one person and returns its conversation id
    /// (<c>a:…</c>). <paramref name="memberId"/> is the person's <c>29:</c> id or their Microsoft Entra object id; Teams
    /// needs the tenant, and accepts the call only when the app is installed for the person or in a team they are in.
    /// </summary>
    /// <remarks>
    /// Safe to repeat: no activity goes with it, so it posts nothing, and Teams answers the same conversation id for the
    /// same person every time. A call whose answer was lost is simply made again (unlike a post, see
    /// <see cref="Outbound.TeamsSendOnce"/>).
    /// </remarks>
    public async Task<string> OpenPersonalChatAsync(string serviceUrl, string memberId, string tenantId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["isGroup"] = false,
            ["members"] = new JsonArray(new JsonObject { ["id"] = memberId }),
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
            ["tenantId"] = tenantId,
        };
        if (options.Value.Authenticated)
        {
            body["bot"] = new JsonObject { ["id"] = "28:" + options.Value.AppId };
        }

        using var response = await SendRawAsync(HttpMethod.Post, serviceUrl, "v3/conversations", body, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } conversation
            ? conversation
            : throw new InvalidOperationException("The Bot Connector opened a personal chat but its answer named no conversation id.");
    }

    /// <summary>The members of a conversation (to map a mention's channel account id to the person's AAD object id).</summary>
    public async Task<List<TeamsMember>> MembersAsync(string serviceUrl, string conversationId, CancellationToken cancellationToken)
    {
        var members = new List<TeamsMember>();
        string? token = null;
        do
        {
            var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/pagedmembers?pageSize=500" + (token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}");
            using var response = await SendRawAsync(HttpMethod.Get, serviceUrl, path, null, cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            foreach (var m in json.RootElement.GetProperty("members").EnumerateArray())
            {
                members.Add(new TeamsMember(
                    m.TryGetProperty("id", out var id) ? id.GetString() ?? string.Empty : string.Empty,
                    m.TryGetProperty("aadObjectId", out var aad) ? aad.GetString() : null,
                    m.TryGetProperty("name", out var name) ? name.GetString() : null));
            }

            token = json.RootElement.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(token) && members.Count < 5000);

        return members;
    }

    /// <summary>
    /// A message of text meant as it is (a post, an announcement, people's words in them), sent with
    /// <c>textFormat: plain</c>, which Teams shows as raw text: no character of it can become markup or a mention, so
    /// none is escaped. Control and bidirectional-override characters are dropped; line breaks are kept.
    /// </summary>
    public static JsonObject PlainMessage(string text) => TextActivity(Cards.TeamsCards.Plain(text, multiline: true), "plain");

    /// <summary>
    /// A reply worded by the core, whose only markup is <c>`command`</c>, sent with <c>textFormat: markdown</c>: the code
    /// spans stay code, everything else is escaped, and each line is its own paragraph (markdown joins single lines).
    /// </summary>
    public static JsonObject MarkdownMessage(string text) =>
        TextActivity(Cards.TeamsCards.Escape(text, keepCodeSpans: true).Replace("\n", "\n\n", StringComparison.Ordinal), "markdown");

    /// <summary>A message that is an Adaptive Card alone.</summary>
    public static JsonObject CardMessage(JsonObject card) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(Cards.TeamsCards.Attachment(card)),
    };

    private static JsonObject TextActivity(string text, string textFormat) => new() { ["type"] = "message", ["text"] = text, ["textFormat"] = textFormat };

    private async Task<string> PostForIdAsync(string serviceUrl, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Post, serviceUrl, path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("id", out var id) ? id.GetString() ?? string.Empty : string.Empty;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string serviceUrl, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        await EnsureTrustedAsync(serviceUrl, cancellationToken);
        var baseUri = new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/");
        var request = new HttpRequestMessage(method, new Uri(baseUri, path))
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var o = options.Value;
        if (o.Authenticated)
        {
            var token = await tokens.GetTokenAsync(o.LoginBaseUrl, string.IsNullOrWhiteSpace(o.TenantId) ? ClientCredentialsTokenClient.BotFrameworkTenant : o.TenantId,
                o.AppId!, o.AppPassword!, ClientCredentialsTokenClient.BotFrameworkScope, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await http.SendAsync(request, cancellationToken);
        request.Dispose();
        await ThrowOnErrorAsync(response, "Bot Connector " + method + " " + path.Split('/')[1], clock, cancellationToken);
        return response;
    }

    internal static async Task ThrowOnErrorAsync(HttpResponseMessage response, string what, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new TeamsRateLimitedException(what, OutboundRequests.RetryAfter(response, clock) ?? TimeSpan.FromSeconds(30));
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            string? code = null, detail = null;
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    detail = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                }
            }
            catch (JsonException)
            {
                detail = text.Length > 200 ? text[..200] : text;
            }

            throw new TeamsApiException(what, response.StatusCode, code, detail);
        }
    }

    private async Task EnsureTrustedAsync(string serviceUrl, CancellationToken cancellationToken)
    {
        // Before the cache: a reference stored while the bot had an App ID is not called once it runs without one.
        if (!serviceUrls.Allows(serviceUrl))
        {
            throw new InvalidOperationException(
                $"Refusing to call {serviceUrl}: without Teams:AppId the bot calls only loopback service URLs and those under Teams:AllowedServiceUrls.");
        }

        var key = serviceUrl.TrimEnd('/');
        if (Trusted.ContainsKey(key))
        {
            return;
        }

        var known = await conversations.KnowsServiceUrlAsync("teams", serviceUrl, cancellationToken);
        if (!known)
        {
            throw new InvalidOperationException($"Refusing to call {serviceUrl}: no authenticated activity came from it.");
        }

        Trusted[key] = true;
    }
}
