using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Api;

/// <summary>Slack answered <c>{ok:false}</c>; <see cref="Error"/> is Slack's code (<c>name_taken</c>, <c>channel_not_found</c> …).</summary>
public sealed class SlackApiException(string method, string error, string? needed = null)
    : Exception($"Slack {method} failed: {error}{(needed is null ? string.Empty : $" (needs scope {needed})")}")
{
    public string Method { get; } = method;
    public string Error { get; } = error;
}

/// <summary>Slack said 429 (or <c>ratelimited</c>) with a wait longer than we sleep through inline.</summary>
public sealed class SlackRateLimitedException(string method, TimeSpan retryAfter)
    : Exception($"Slack {method} is rate limited; retry after {retryAfter.TotalSeconds:0} s")
{
    public string Method { get; } = method;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed record SlackChannel(string Id, string Name, string? Purpose, bool IsPrivate, bool IsArchived);

public sealed record SlackMessage(string Ts, string? User, string? BotId, string Text, string? ThreadTs);

/// <summary>
/// The Slack Web API methods an incident needs, over one typed HttpClient (base <c>Slack:ApiBaseUrl</c>, bot token
/// <c>Slack:BotToken</c>, the outbound policies of <see cref="Outbound"/>). Arguments are form-encoded, which every
/// method accepts.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, SlackPostPacer pacer, SlackUserNames names, TimeProvider clock, ILogger<SlackApiClient> logger)
{
    /// <summary>The outbound client (and circuit) of the Web API.</summary>
    public const string Outbound = "slack-api";

    /// <summary>
    /// Methods sent again after a timeout or a 5xx (every method is a POST, so none is by HTTP's rules). Reads; and
    /// writes whose second arrival changes nothing: a pin or an invite already there and an archived channel are
    /// answered with an error we treat as done, a topic, purpose or message update sets the same value again. Never
    /// repeated blindly: <c>chat.postMessage</c>, <c>chat.postEphemeral</c>, <c>conversations.create</c>,
    /// <c>bookmarks.add</c> and <c>views.open</c>, where a second arrival is a second message, channel, bookmark or form.
    /// </summary>
    public static readonly FrozenSet<string> SafeToRepeat = FrozenSet.Create(StringComparer.Ordinal,
        "conversations.info", "conversations.list", "conversations.history", "conversations.replies", "bookmarks.list", "users.info",
        "users.lookupByEmail", "chat.getPermalink", "pins.add", "conversations.invite", "conversations.setTopic",
        "conversations.setPurpose", "conversations.archive", "chat.update", "conversations.join");

    public async Task<JsonElement> CallAsync(string method, IEnumerable<KeyValuePair<string, string?>> arguments, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new FormUrlEncodedContent(arguments.Where(a => a.Value is not null).Select(a => new KeyValuePair<string, string>(a.Key, a.Value!))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
        if (SafeToRepeat.Contains(method))
        {
            request.MarkSafeToRepeat();
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = OutboundRequests.RetryAfter(response, clock) ?? TimeSpan.FromSeconds(30);
            logger.LogWarning("Slack {Method} rate limited; retry after {Seconds} s", method, wait.TotalSeconds);
            throw new SlackRateLimitedException(method, wait);
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        if (!root.TryGetProperty("ok", out var ok) || !ok.GetBoolean())
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() ?? "unknown_error" : "unknown_error";
            if (error == "ratelimited")
            {
                throw new SlackRateLimitedException(method, TimeSpan.FromSeconds(30));
            }

            throw new SlackApiException(method, error, root.TryGetProperty("needed", out var n) ? n.GetString() : null);
        }

        return root;
    }

    public async Task<SlackChannel> CreateConversationAsync(string name, bool isPrivate, CancellationToken cancellationToken)
    {
        var result = await CallAsync("conversations.create", [new("name", name), new("is_private", isPrivate ? "true" : "false")], cancellationToken);
        return ReadChannel(result.GetProperty("channel"));
    }

    public async Task<SlackChannel> ConversationInfoAsync(string channel, CancellationToken cancellationToken) =>
        ReadChannel((await CallAsync("conversations.info", [new("channel", channel)], cancellationToken)).GetProperty("channel"));

    /// <summary>Finds a channel by name among those the bot can see (public, and private ones it is in).</summary>
    public async Task<SlackChannel?> FindConversationByNameAsync(string name, CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await CallAsync("conversations.list",
                [new("types", "public_channel,private_channel"), new("exclude_archived", "true"), new("limit", "1000"), new("cursor", cursor)], cancellationToken);
            foreach (var channel in page.GetProperty("channels").EnumerateArray())
            {
                if (channel.TryGetProperty("name", out var n) && n.GetString() == name)
                {
                    return ReadChannel(channel);
                }
            }

            cursor = NextCursor(page);
        }
        while (!string.IsNullOrEmpty(cursor));

        return null;
    }

    /// <summary>Invites Slack users; people already in the channel are not an error.</summary>
    public async Task InviteAsync(string channel, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        try
        {
            await CallAsync("conversations.invite", [new("channel", channel), new("users", string.Join(',', userIds)), new("force", "true")], cancellationToken);
        }
        catch (SlackApiException e) when (e.Error is "already_in_channel" or "cant_invite_self")
        {
            // Nothing to do.
        }
    }

    public Task SetTopicAsync(string channel, string topic, CancellationToken cancellationToken) =>
        CallAsync("conversations.setTopic", [new("channel", channel), new("topic", Clip(topic, 250))], cancellationToken);

    public Task SetPurposeAsync(string channel, string purpose, CancellationToken cancellationToken) =>
        CallAsync("conversations.setPurpose", [new("channel", channel), new("purpose", Clip(purpose, 250))], cancellationToken);

    public async Task ArchiveAsync(string channel, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("conversations.archive", [new("channel", channel)], cancellationToken);
        }
        catch (SlackApiException e) when (e.Error == "already_archived")
        {
            // Someone beat us to it.
        }
    }

    /// <summary>
    /// Posts a message (paced per channel) carrying <paramref name="mark"/> (see <see cref="SlackPostMark"/>) and returns
    /// its <c>ts</c>. <paramref name="text"/> is also the notification text; without <paramref name="blocks"/> it is
    /// posted as sections, so that the mark has a block to sit on.
    /// </summary>
    public async Task<string> PostMessageAsync(string channel, string text, JsonArray? blocks, SlackPostMark mark, CancellationToken cancellationToken,
        string? threadTs = null)
    {
        await pacer.WaitAsync(channel, cancellationToken);
        var result = await CallAsync("chat.postMessage",
            [new("channel", channel), new("text", text), new("blocks", mark.Blocks(text, blocks).ToJsonString()), new("metadata", mark.Metadata),
                new("thread_ts", threadTs), new("unfurl_links", "false")], cancellationToken);
        return result.GetProperty("ts").GetString()!;
    }

    /// <summary>
    /// Reads the channel back (the thread of <paramref name="threadTs"/>, when given) from <paramref name="since"/> on,
    /// page by page, and returns the <c>ts</c> of the message carrying <paramref name="mark"/>, or null when none does.
    /// A page is at most 15 messages: the most Slack serves commercially distributed apps outside its Marketplace.
    /// </summary>
    public async Task<string?> FindPostedAsync(string channel, string? threadTs, SlackPostMark mark, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var oldest = SlackTimestamp(since);
        string? cursor = null;
        do
        {
            var page = threadTs is null
                ? await CallAsync("conversations.history",
                    [new("channel", channel), new("oldest", oldest), new("include_all_metadata", "true"), new("limit", "15"), new("cursor", cursor)], cancellationToken)
                : await CallAsync("conversations.replies",
                    [new("channel", channel), new("ts", threadTs), new("oldest", oldest), new("include_all_metadata", "true"), new("limit", "15"), new("cursor", cursor)],
                    cancellationToken);
            foreach (var message in page.GetProperty("messages").EnumerateArray())
            {
                if (mark.IsOn(message))
                {
                    return message.GetProperty("ts").GetString();
                }
            }

            cursor = NextCursor(page);
        }
        while (!string.IsNullOrEmpty(cursor));

        return null;
    }

    public Task UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks, CancellationToken cancellationToken) =>
        CallAsync("chat.update", [new("channel", channel), new("ts", ts), new("text", text), new("blocks", blocks?.ToJsonString() ?? "[]")], cancellationToken);

    public Task PostEphemeralAsync(string channel, string user, string text, CancellationToken cancellationToken) =>
        CallAsync("chat.postEphemeral", [new("channel", channel), new("user", user), new("text", text)], cancellationToken);

    /// <summary>Shows <paramref name="user"/> alone a message with blocks in <paramref name="channel"/>; returns its <c>message_ts</c>.</summary>
    public async Task<string> PostEphemeralAsync(string channel, string user, string text, JsonArray blocks, CancellationToken cancellationToken)
    {
        var result = await CallAsync("chat.postEphemeral", [new("channel", channel), new("user", user), new("text", text), new("blocks", blocks.ToJsonString())], cancellationToken);
        return result.TryGetProperty("message_ts", out var ts) ? ts.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>
    /// Makes the bot a member of a public channel (<c>channels:join</c>); joining again is answered <c>ok</c> with the
    /// warning <c>already_in_channel</c>. A private channel cannot be joined: the bot must have been added to it.
    /// </summary>
    public async Task<SlackChannel> JoinAsync(string channel, CancellationToken cancellationToken) =>
        ReadChannel((await CallAsync("conversations.join", [new("channel", channel)], cancellationToken)).GetProperty("channel"));

    /// <summary>
    /// The channel's top-level messages posted from <paramref name="oldest"/> up to <paramref name="latest"/>, oldest
    /// first (Slack pages them newest first, at most 100 per page). Thread replies are not listed, only their parents.
    /// </summary>
    public async Task<IReadOnlyList<(SlackMessage Message, string? Subtype)>> HistoryAsync(string channel, DateTimeOffset oldest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var messages = new List<(SlackMessage, string?)>();
        string? cursor = null;
        do
        {
            var page = await CallAsync("conversations.history",
                [new("channel", channel), new("oldest", SlackTimestamp(oldest)), new("latest", SlackTimestamp(latest)), new("inclusive", "true"), new("limit", "100"),
                    new("cursor", cursor)], cancellationToken);
            messages.AddRange(page.GetProperty("messages").EnumerateArray()
                .Select(m => (ReadMessage(m), m.TryGetProperty("subtype", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null)));
            cursor = NextCursor(page);
        }
        while (!string.IsNullOrEmpty(cursor));

        messages.Reverse();
        return messages;
    }

    public async Task<string?> PermalinkAsync(string channel, string ts, CancellationToken cancellationToken)
    {
        try
        {
            return (await CallAsync("chat.getPermalink", [new("channel", channel), new("message_ts", ts)], cancellationToken)).GetProperty("permalink").GetString();
        }
        catch (SlackApiException e)
        {
            logger.LogInformation("No permalink for {Channel}/{Ts}: {Error}", channel, ts, e.Error);
            return null;
        }
    }

    public async Task PinAsync(string channel, string ts, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("pins.add", [new("channel", channel), new("timestamp", ts)], cancellationToken);
        }
        catch (SlackApiException e) when (e.Error == "already_pinned")
        {
            // Done before.
        }
    }

    /// <summary>Adds a link bookmark to the channel and returns its id.</summary>
    public async Task<string> AddBookmarkAsync(string channel, string title, string link, CancellationToken cancellationToken)
    {
        var result = await CallAsync("bookmarks.add", [new("channel_id", channel), new("title", title), new("type", "link"), new("link", link)], cancellationToken);
        return result.TryGetProperty("bookmark", out var bookmark) && bookmark.TryGetProperty("id", out var id) ? id.GetString() ?? link : link;
    }

    /// <summary>The id of the channel's bookmark of <paramref name="link"/>, or null when it has none.</summary>
    public async Task<string?> FindBookmarkAsync(string channel, string link, CancellationToken cancellationToken)
    {
        var result = await CallAsync("bookmarks.list", [new("channel_id", channel)], cancellationToken);
        return result.TryGetProperty("bookmarks", out var bookmarks) && bookmarks.ValueKind == JsonValueKind.Array
            ? bookmarks.EnumerateArray().Where(b => b.TryGetProperty("link", out var l) && l.GetString() == link)
                .Select(b => b.TryGetProperty("id", out var id) ? id.GetString() ?? link : link).FirstOrDefault()
            : null;
    }

    public Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.open", [new("trigger_id", triggerId), new("view", view.ToJsonString())], cancellationToken);

    /// <summary>The display name Slack shows for a user (cached), or null when it cannot be read.</summary>
    public async Task<string?> UserNameAsync(string userId, CancellationToken cancellationToken)
    {
        if (names.TryGet(userId, out var known))
        {
            return known;
        }

        try
        {
            var user = (await CallAsync("users.info", [new("user", userId)], cancellationToken)).GetProperty("user");
            var name = user.TryGetProperty("profile", out var profile) && profile.TryGetProperty("display_name", out var dn) && dn.GetString() is { Length: > 0 } display
                ? display
                : user.TryGetProperty("real_name", out var rn) && rn.GetString() is { Length: > 0 } real ? real : user.GetProperty("name").GetString();
            if (name is not null)
            {
                names.Remember(userId, name);
            }

            return name;
        }
        catch (SlackApiException e)
        {
            logger.LogInformation("users.info {User} failed: {Error}", userId, e.Error);
            return null;
        }
    }

    /// <summary>One message by its ts: top-level via history, a thread reply via replies.</summary>
    public async Task<SlackMessage?> MessageAsync(string channel, string ts, CancellationToken cancellationToken)
    {
        var history = await CallAsync("conversations.history",
            [new("channel", channel), new("latest", ts), new("oldest", ts), new("inclusive", "true"), new("limit", "1")], cancellationToken);
        var found = history.GetProperty("messages").EnumerateArray().Select(ReadMessage).FirstOrDefault(m => m.Ts == ts);
        if (found is not null)
        {
            return found;
        }

        try
        {
            var replies = await CallAsync("conversations.replies",
                [new("channel", channel), new("ts", ts), new("latest", ts), new("inclusive", "true"), new("limit", "1")], cancellationToken);
            return replies.GetProperty("messages").EnumerateArray().Select(ReadMessage).FirstOrDefault(m => m.Ts == ts);
        }
        catch (SlackApiException e) when (e.Error == "thread_not_found")
        {
            return null;
        }
    }

    internal static SlackMessage ReadMessage(JsonElement m) => new(
        m.GetProperty("ts").GetString()!,
        m.TryGetProperty("user", out var u) ? u.GetString() : null,
        m.TryGetProperty("bot_id", out var b) ? b.GetString() : null,
        m.TryGetProperty("text", out var t) ? t.GetString() ?? string.Empty : string.Empty,
        m.TryGetProperty("thread_ts", out var th) ? th.GetString() : null);

    private static SlackChannel ReadChannel(JsonElement c) => new(
        c.GetProperty("id").GetString()!,
        c.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty,
        c.TryGetProperty("purpose", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("value", out var pv) ? pv.GetString() : null,
        c.TryGetProperty("is_private", out var ip) && ip.ValueKind == JsonValueKind.True,
        c.TryGetProperty("is_archived", out var ia) && ia.ValueKind == JsonValueKind.True);

    /// <summary>A Slack timestamp (seconds and microseconds since the epoch), as <c>oldest</c> and <c>latest</c> take it.</summary>
    internal static string SlackTimestamp(DateTimeOffset at)
    {
        var micros = (at - DateTimeOffset.UnixEpoch).Ticks / 10;
        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }

    private static string? NextCursor(JsonElement page) =>
        page.TryGetProperty("response_metadata", out var meta) && meta.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
