using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams;

/// <summary>The message an action command was invoked from (<c>value.messagePayload</c>).</summary>
public sealed record TeamsMessagePayload(
    string Id,
    string HtmlContent,
    string FromAadObjectId,
    string FromName,
    DateTimeOffset CreatedDateTime,
    string? LinkToMessage = null);

/// <summary>
/// Inbound Teams activities as JSON strings, each built from a fixture in <c>Teams/Fixtures</c> (transcribed from
/// Microsoft's published examples, see SOURCES.md): the fixture's <c>{{NAME}}</c> placeholders are filled in, then
/// the parts that vary in shape (mention entities, conversation type, card data, message payload) are rebuilt from the
/// fixture's own elements. Every activity has <c>channelId</c> "msteams", <c>serviceUrl</c>, <c>channelData.tenant.id</c>,
/// <c>conversation.tenantId</c>, <c>from.aadObjectId</c>, the bot as <c>recipient</c> (<c>28:{botId}</c>), a unique
/// <c>id</c> and a <c>timestamp</c>.
/// </summary>
public static partial class TeamsActivities
{
    public const string DefaultTenantId = "7e2c1d94-3b5a-4f86-9c0d-1a2b3c4d5e6f";
    public const string DefaultBotId = "9d3b6c1e-5a47-4f2e-8b0d-7c6a1e2f3b45";
    public const string DefaultBotName = "IncidentBot";
    public const string DefaultServiceUrl = "https://smba.trafficmanager.net/amer/";
    public const string DefaultTeamId = "19:Kq7Xb2mNc4Rt8Wy1Zs5Pd3Lf6Hg9Jv0Qa2Ue4Io7Ty1@thread.tacv2";
    public const string DefaultAadGroupId = "4b1f7c2e-9d3a-4e65-b8f0-2c7d1a9e6b53";
    public const string DefaultTeamName = "Incident Response";
    public const string DefaultChannelId = "19:5e0a2c7b91d84f36a4c1e9b8d7f60312@thread.tacv2";
    public const string DefaultChannelName = "General";
    public const string DefaultGroupChatId = "19:8c4e1a7f2b9d4e0c96a3f5b1d2e7c840@thread.v2";
    public const string DefaultPersonalConversationId = "a:1Zr8KxV2mQ7pL4sT9wB3nF6hJ0cD5gY1eU8iO2aR7tX4vN9kM3bP6qW0zC5jH8fG2lS7dA1yE4uI9oK3rT6";
    public const string DefaultUserAadObjectId = "2f6c9e1a-7b3d-4c58-a0e4-9d1b6f3a8c27";
    public const string DefaultUserName = "Dana Whitfield";

    public const string MessageFixture = "message-channel-mentions.json";
    public const string BotAddedFixture = "conversationUpdate-botAdded-team.json";
    public const string ChannelCreatedFixture = "conversationUpdate-channelCreated.json";
    public const string InstallationUpdateFixture = "installationUpdate-add-team.json";
    public const string FetchTaskComposeFixture = "composeExtension-fetchTask-compose.json";
    public const string FetchTaskMessageFixture = "composeExtension-fetchTask-message.json";
    public const string SubmitActionFixture = "composeExtension-submitAction.json";
    public const string AdaptiveCardActionFixture = "adaptiveCard-action.json";

    public static IReadOnlyList<string> FixtureNames { get; } =
    [
        MessageFixture, BotAddedFixture, ChannelCreatedFixture, InstallationUpdateFixture,
        FetchTaskComposeFixture, FetchTaskMessageFixture, SubmitActionFixture, AdaptiveCardActionFixture,
    ];

    private static readonly ConcurrentDictionary<string, string> FixtureText = new(StringComparer.Ordinal);
    private static long _lastMessageId;

    /// <summary>A user's bot-scoped <c>29:</c> id, derived from the AAD object id (the same one <see cref="FakeTeamsMember.For"/> uses).</summary>
    public static string UserIdFor(string aadObjectId) =>
        "29:1" + Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("teams-user:" + aadObjectId.ToLowerInvariant())));

    /// <summary>
    /// A message from a user. In a channel the conversation is a thread (<c>{channel};messageid={id}</c>, by default the
    /// thread this message starts); in a group chat or personal chat it is the chat. The bot is @mentioned first unless
    /// <paramref name="mentionBot"/> is false (default: mentioned except in personal chat); each of
    /// <paramref name="mentions"/> gets a mention entity, and <c>&lt;at&gt;name&lt;/at&gt;</c> is appended to the text
    /// unless the text already has it.
    /// </summary>
    public static string Message(
        string text,
        string conversationType = "channel",
        string? conversationId = null,
        string fromAadObjectId = DefaultUserAadObjectId,
        string fromName = DefaultUserName,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        IEnumerable<(string AadObjectId, string Name)>? mentions = null,
        bool? mentionBot = null,
        string botId = DefaultBotId,
        string? replyToId = null,
        string? channelId = null,
        string teamId = DefaultTeamId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var id = activityId ?? NextMessageId(when);
        var channel = channelId ?? (conversationType == "channel" && conversationId is not null ? FakeTeamsServices.ChannelOf(conversationId) : DefaultChannelId);
        var conversation = conversationId ?? conversationType switch
        {
            "channel" => $"{channel};messageid={replyToId ?? id}",
            "groupChat" => DefaultGroupChatId,
            "personal" => DefaultPersonalConversationId,
            _ => throw new ArgumentOutOfRangeException(nameof(conversationType), conversationType, "channel, groupChat or personal"),
        };
        var withBot = mentionBot ?? conversationType != "personal";
        var mentioned = (mentions ?? []).ToList();

        var fullText = new StringBuilder();
        if (withBot)
        {
            fullText.Append(CultureInfo.InvariantCulture, $"<at>{botName}</at> ");
        }

        fullText.Append(text);
        foreach (var (_, name) in mentioned.Where(m => !text.Contains($"<at>{m.Name}</at>", StringComparison.Ordinal)))
        {
            fullText.Append(CultureInfo.InvariantCulture, $" <at>{name}</at>");
        }

        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, fromName, id, when);
        values["TEXT"] = fullText.ToString();
        values["HTML"] = Html(fullText.ToString());
        values["CONVERSATION_ID"] = conversation;
        values["CHANNEL_ID"] = channel;
        values["TEAM_ID"] = teamId;

        var activity = LoadFixture(MessageFixture);

        // entities: [bot mention, user mention, clientInfo] in the fixture; rebuild the list from those templates.
        var templates = activity["entities"]!.AsArray();
        var entities = new JsonArray();
        if (withBot)
        {
            entities.Add(Fill(templates[0]!.DeepClone(), values));
        }

        foreach (var (aadObjectId, name) in mentioned)
        {
            var mentionValues = new Dictionary<string, string>(values, StringComparer.Ordinal)
            {
                ["MENTIONED_USER_ID"] = UserIdFor(aadObjectId),
                ["MENTIONED_USER_NAME"] = name,
            };
            entities.Add(Fill(templates[1]!.DeepClone(), mentionValues));
        }

        entities.Add(Fill(templates[2]!.DeepClone(), values));
        activity["entities"] = entities;

        Fill(activity, values);
        ApplyConversation(activity, conversationType, conversation, tenantId, channel, teamId);
        if (replyToId is not null)
        {
            activity["replyToId"] = replyToId;
        }

        return activity.ToJsonString();
    }

    /// <summary>The bot was added to a team; the conversation is the channel the installer picked.</summary>
    public static string ConversationUpdateBotAdded(
        string teamId = DefaultTeamId,
        string aadGroupId = DefaultAadGroupId,
        string channelId = DefaultChannelId,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string teamName = DefaultTeamName,
        string channelName = DefaultChannelName,
        string fromAadObjectId = DefaultUserAadObjectId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, DefaultUserName, activityId ?? EventId(), when);
        values["CHANNEL_ID"] = channelId;
        values["CHANNEL_NAME"] = channelName;
        values["TEAM_ID"] = teamId;
        values["TEAM_NAME"] = teamName;
        values["AAD_GROUP_ID"] = aadGroupId;
        return Fill(LoadFixture(BotAddedFixture), values).ToJsonString();
    }

    /// <summary>A channel was created in a team the bot is in (the conversation is the team).</summary>
    public static string ConversationUpdateChannelCreated(
        string channelId,
        string channelName,
        string teamId = DefaultTeamId,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string fromAadObjectId = DefaultUserAadObjectId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, DefaultUserName, activityId ?? EventId(), when);
        values["CHANNEL_ID"] = channelId;
        values["CHANNEL_NAME"] = channelName;
        values["TEAM_ID"] = teamId;
        var activity = Fill(LoadFixture(ChannelCreatedFixture), values);

        // The published example has neither; the brief asks every activity to carry them.
        activity["conversation"]!["tenantId"] = tenantId;
        activity["from"]!["aadObjectId"] = fromAadObjectId;
        return activity.ToJsonString();
    }

    /// <summary>The app was installed in a team (<c>action</c> "add").</summary>
    public static string InstallationUpdateAdd(
        string teamId = DefaultTeamId,
        string aadGroupId = DefaultAadGroupId,
        string channelId = DefaultChannelId,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string teamName = DefaultTeamName,
        string channelName = DefaultChannelName,
        string fromAadObjectId = DefaultUserAadObjectId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null) =>
        InstallationUpdate("add", teamId, aadGroupId, channelId, tenantId, serviceUrl, botId, teamName, channelName, fromAadObjectId, botName, activityId, timestamp);

    /// <summary>The app was removed from a team (<c>action</c> "remove").</summary>
    public static string InstallationUpdateRemove(
        string teamId = DefaultTeamId,
        string aadGroupId = DefaultAadGroupId,
        string channelId = DefaultChannelId,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string teamName = DefaultTeamName,
        string channelName = DefaultChannelName,
        string fromAadObjectId = DefaultUserAadObjectId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null) =>
        InstallationUpdate("remove", teamId, aadGroupId, channelId, tenantId, serviceUrl, botId, teamName, channelName, fromAadObjectId, botName, activityId, timestamp);

    /// <summary>
    /// <c>composeExtension/fetchTask</c>: an action command opened from the compose box, the command box, or (with
    /// <paramref name="messagePayload"/>) a message's "…" menu, in which case the conversation is that message's thread.
    /// </summary>
    public static string ComposeExtensionFetchTask(
        string commandId,
        string commandContext = "compose",
        TeamsMessagePayload? messagePayload = null,
        string conversationType = "channel",
        string? conversationId = null,
        string channelId = DefaultChannelId,
        string teamId = DefaultTeamId,
        string fromAadObjectId = DefaultUserAadObjectId,
        string fromName = DefaultUserName,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var conversation = conversationId ?? DefaultConversation(conversationType, channelId, messagePayload?.Id);
        var values = InvokeValues(commandId, commandContext, conversation, channelId, teamId, fromAadObjectId, fromName, tenantId, serviceUrl, botId, botName, activityId, when);
        JsonObject activity;
        if (messagePayload is null)
        {
            activity = Fill(LoadFixture(FetchTaskComposeFixture), values);
        }
        else
        {
            AddPayloadValues(values, messagePayload, channelId);
            activity = Fill(LoadFixture(FetchTaskMessageFixture), values);
        }

        ApplyConversation(activity, conversationType, conversation, tenantId, channelId, teamId);
        return activity.ToJsonString();
    }

    /// <summary><c>composeExtension/submitAction</c>: the dialog of an action command was submitted with <paramref name="data"/>.</summary>
    public static string ComposeExtensionSubmitAction(
        string commandId,
        string commandContext,
        JsonObject data,
        TeamsMessagePayload? messagePayload = null,
        string conversationType = "channel",
        string? conversationId = null,
        string channelId = DefaultChannelId,
        string teamId = DefaultTeamId,
        string fromAadObjectId = DefaultUserAadObjectId,
        string fromName = DefaultUserName,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var conversation = conversationId ?? DefaultConversation(conversationType, channelId, messagePayload?.Id);
        var values = InvokeValues(commandId, commandContext, conversation, channelId, teamId, fromAadObjectId, fromName, tenantId, serviceUrl, botId, botName, activityId, when);
        var activity = Fill(LoadFixture(SubmitActionFixture), values);
        var value = activity["value"]!.AsObject();
        value["data"] = data.DeepClone();
        if (messagePayload is not null)
        {
            // The payload's shape is the one in the fetchTask-from-a-message fixture.
            AddPayloadValues(values, messagePayload, channelId);
            var fromMessage = Fill(LoadFixture(FetchTaskMessageFixture), values);
            value["messagePayload"] = fromMessage["value"]!["messagePayload"]!.DeepClone();
        }

        ApplyConversation(activity, conversationType, conversation, tenantId, channelId, teamId);
        return activity.ToJsonString();
    }

    /// <summary>
    /// <c>adaptiveCard/action</c>: a user pressed an <c>Action.Execute</c> with <paramref name="verb"/> on the card
    /// in activity <paramref name="replyToId"/>; <paramref name="data"/> is the action's data merged with the inputs.
    /// In a channel the conversation defaults to the thread that card starts.
    /// </summary>
    public static string AdaptiveCardAction(
        string verb,
        JsonObject data,
        string replyToId,
        string conversationType = "channel",
        string? conversationId = null,
        string channelId = DefaultChannelId,
        string teamId = DefaultTeamId,
        string actionTitle = "Submit",
        string fromAadObjectId = DefaultUserAadObjectId,
        string fromName = DefaultUserName,
        string tenantId = DefaultTenantId,
        string serviceUrl = DefaultServiceUrl,
        string botId = DefaultBotId,
        string botName = DefaultBotName,
        string? activityId = null,
        DateTimeOffset? timestamp = null)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var conversation = conversationId ?? DefaultConversation(conversationType, channelId, replyToId);
        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, fromName, activityId ?? EventId(), when);
        values["CONVERSATION_ID"] = conversation;
        values["VERB"] = verb;
        values["ACTION_TITLE"] = actionTitle;
        values["REPLY_TO_ID"] = replyToId;
        var activity = Fill(LoadFixture(AdaptiveCardActionFixture), values);
        activity["value"]!["action"]!["data"] = data.DeepClone();
        ApplyConversation(activity, conversationType, conversation, tenantId, channelId, teamId);
        return activity.ToJsonString();
    }

    /// <summary>A fixture as JSON, without its <c>_source</c> and with its placeholders still in.</summary>
    public static JsonObject LoadFixture(string fileName)
    {
        var text = FixtureText.GetOrAdd(fileName, name => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Teams", "Fixtures", name)));
        var root = JsonNode.Parse(text)!.AsObject();
        root.Remove("_source");
        return root;
    }

    /// <summary>Placeholder names (without braces) used in a fixture.</summary>
    public static IReadOnlySet<string> PlaceholdersIn(string fileName) =>
        Placeholder().Matches(LoadFixture(fileName).ToJsonString(Raw)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Raw = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"\{\{([A-Z0-9_]+)\}\}")]
    private static partial Regex Placeholder();

    private static string InstallationUpdate(
        string action,
        string teamId,
        string aadGroupId,
        string channelId,
        string tenantId,
        string serviceUrl,
        string botId,
        string teamName,
        string channelName,
        string fromAadObjectId,
        string botName,
        string? activityId,
        DateTimeOffset? timestamp)
    {
        var when = timestamp ?? DateTimeOffset.UtcNow;
        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, DefaultUserName, activityId ?? EventId(), when);
        values["CHANNEL_ID"] = channelId;
        values["CHANNEL_NAME"] = channelName;
        values["TEAM_ID"] = teamId;
        values["TEAM_NAME"] = teamName;
        values["AAD_GROUP_ID"] = aadGroupId;
        values["ACTION"] = action;
        return Fill(LoadFixture(InstallationUpdateFixture), values).ToJsonString();
    }

    private static Dictionary<string, string> Common(
        string tenantId, string serviceUrl, string botId, string botName, string fromAadObjectId, string fromName, string activityId, DateTimeOffset when) =>
        new(StringComparer.Ordinal)
        {
            ["TENANT_ID"] = tenantId,
            ["SERVICE_URL"] = serviceUrl,
            ["BOT_ID"] = botId,
            ["BOT_NAME"] = botName,
            ["FROM_ID"] = UserIdFor(fromAadObjectId),
            ["FROM_NAME"] = fromName,
            ["FROM_AAD_OBJECT_ID"] = fromAadObjectId,
            ["ACTIVITY_ID"] = activityId,
            ["TIMESTAMP"] = when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            ["LOCAL_TIMESTAMP"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
        };

    private static Dictionary<string, string> InvokeValues(
        string commandId, string commandContext, string conversation, string channelId, string teamId, string fromAadObjectId, string fromName,
        string tenantId, string serviceUrl, string botId, string botName, string? activityId, DateTimeOffset when)
    {
        var values = Common(tenantId, serviceUrl, botId, botName, fromAadObjectId, fromName, activityId ?? EventId(), when);
        values["COMMAND_ID"] = commandId;
        values["COMMAND_CONTEXT"] = commandContext;
        values["CONVERSATION_ID"] = conversation;
        values["CHANNEL_ID"] = channelId;
        values["CHANNEL_NAME"] = DefaultChannelName;
        values["TEAM_ID"] = teamId;
        values["REQUEST_ID"] = Guid.NewGuid().ToString("N");
        return values;
    }

    private static void AddPayloadValues(Dictionary<string, string> values, TeamsMessagePayload payload, string channelId)
    {
        values["MESSAGE_ID"] = payload.Id;
        values["MESSAGE_HTML"] = payload.HtmlContent;
        values["MESSAGE_FROM_AAD_OBJECT_ID"] = payload.FromAadObjectId;
        values["MESSAGE_FROM_NAME"] = payload.FromName;
        values["MESSAGE_CREATED"] = payload.CreatedDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        values["MESSAGE_LINK"] = payload.LinkToMessage ?? $"https://teams.microsoft.com/l/message/{channelId}/{payload.Id}";
    }

    private static string DefaultConversation(string conversationType, string channelId, string? threadRootId) => conversationType switch
    {
        "channel" => threadRootId is null ? channelId : $"{channelId};messageid={threadRootId}",
        "groupChat" => DefaultGroupChatId,
        "personal" => DefaultPersonalConversationId,
        _ => throw new ArgumentOutOfRangeException(nameof(conversationType), conversationType, "channel, groupChat or personal"),
    };

    /// <summary>
    /// Sets <c>conversation</c> and <c>channelData</c> for the conversation type: channel activities carry
    /// <c>channelData.channel</c>/<c>team</c> (as in the channel fixtures); chats carry only the tenant (as in the
    /// published group-chat and personal examples).
    /// </summary>
    private static void ApplyConversation(JsonObject activity, string conversationType, string conversationId, string tenantId, string channelId, string teamId)
    {
        if (activity["conversation"] is not JsonObject conversation)
        {
            conversation = [];
            activity["conversation"] = conversation;
        }

        switch (conversationType)
        {
            case "channel":
            case "groupChat":
                conversation["isGroup"] = true;
                break;
            case "personal":
                conversation.Remove("isGroup");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(conversationType), conversationType, "channel, groupChat or personal");
        }

        conversation["conversationType"] = conversationType;
        conversation["id"] = conversationId;
        conversation["tenantId"] = tenantId;

        if (activity["channelData"] is not JsonObject channelData)
        {
            channelData = [];
            activity["channelData"] = channelData;
        }

        channelData["tenant"] = new JsonObject { ["id"] = tenantId };
        if (conversationType == "channel")
        {
            channelData["channel"] = new JsonObject { ["id"] = channelId };
            channelData["team"] = new JsonObject { ["id"] = teamId };
            if (channelData.ContainsKey("teamsChannelId"))
            {
                channelData["teamsChannelId"] = channelId;
                channelData["teamsTeamId"] = teamId;
            }
        }
        else
        {
            channelData.Remove("channel");
            channelData.Remove("team");
            channelData.Remove("teamsChannelId");
            channelData.Remove("teamsTeamId");
            conversation.Remove("name");
        }
    }

    /// <summary>Replaces every <c>{{NAME}}</c> in string values, in place; a placeholder without a value is an error.</summary>
    private static T Fill<T>(T node, IReadOnlyDictionary<string, string> values)
        where T : JsonNode
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child)
                    {
                        if (Filled(child, values) is { } replaced)
                        {
                            obj[key] = replaced;
                        }
                        else
                        {
                            Fill(child, values);
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        if (Filled(child, values) is { } replaced)
                        {
                            array[i] = replaced;
                        }
                        else
                        {
                            Fill(child, values);
                        }
                    }
                }

                break;
        }

        return node;
    }

    /// <summary>A new string value with the placeholders replaced, or null when the node is not a string with placeholders.</summary>
    private static JsonValue? Filled(JsonNode node, IReadOnlyDictionary<string, string> values)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetValue<string>();
        return !text.Contains("{{", StringComparison.Ordinal)
            ? null
            : JsonValue.Create(Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var replacement)
                ? replacement
                : throw new InvalidOperationException($"No value for placeholder {m.Groups[1].Value}.")));
    }

    /// <summary>The <c>text/html</c> attachment Teams adds: mentions become Skype mention spans, the rest is encoded.</summary>
    private static string Html(string text)
    {
        var html = new StringBuilder("<p>");
        var index = 0;
        var mentionNumber = 0;
        foreach (Match match in AtTag().Matches(text))
        {
            html.Append(WebUtility.HtmlEncode(text[index..match.Index]));
            html.Append(CultureInfo.InvariantCulture, $"<span itemtype=\"http://schema.skype.com/Mention\" itemscope=\"\" itemid=\"{mentionNumber++}\">{WebUtility.HtmlEncode(match.Groups[1].Value)}</span>");
            index = match.Index + match.Length;
        }

        html.Append(WebUtility.HtmlEncode(text[index..])).Append("</p>");
        return html.ToString();
    }

    [GeneratedRegex("<at>(.*?)</at>")]
    private static partial Regex AtTag();

    /// <summary>Teams message ids are epoch milliseconds; keep them unique within a run.</summary>
    private static string NextMessageId(DateTimeOffset when)
    {
        var candidate = when.ToUnixTimeMilliseconds();
        while (true)
        {
            var last = Interlocked.Read(ref _lastMessageId);
            var next = Math.Max(candidate, last + 1);
            if (Interlocked.CompareExchange(ref _lastMessageId, next, last) == last)
            {
                return next.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private static string EventId() => "f:" + Guid.NewGuid();
}
