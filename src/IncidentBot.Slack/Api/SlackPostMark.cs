using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Slack.Blocks;

namespace IncidentBot.Slack.Api;

/// <summary>
/// The name of one message the bot posts, written on the message twice so that the bot recognises it when it reads
/// the channel back after a post whose answer never came: as the message's metadata (event type
/// <see cref="EventType"/>, payload <c>{mark, intent_id}</c>) and as the <c>block_id</c> of its first block.
/// </summary>
/// <param name="Id">What the message is (<c>incidentbot.inc-42.card</c>, <c>incidentbot.intent-311.post</c>).</param>
/// <param name="IntentId">The stored intent that posts it.</param>
public sealed record SlackPostMark(string Id, long IntentId)
{
    public const string EventType = "incidentbot_post";

    /// <summary>Section text is cut by Slack at 3,000 characters; longer posts take several sections.</summary>
    private const int SectionLength = 3000;

    /// <summary>The incident's one message of a kind (its status card, its announcement), whichever intent posts it.</summary>
    public static SlackPostMark OfIncident(long incidentId, string kind, long intentId) => new($"incidentbot.inc-{incidentId}.{kind}", intentId);

    /// <summary>A message that belongs to one intent (an update, an announcement's thread line).</summary>
    public static SlackPostMark OfIntent(long intentId, string kind) => new($"incidentbot.intent-{intentId}.{kind}", intentId);

    /// <summary>The <c>metadata</c> argument of <c>chat.postMessage</c>.</summary>
    public string Metadata => new JsonObject
    {
        ["event_type"] = EventType,
        ["event_payload"] = new JsonObject { ["mark"] = Id, ["intent_id"] = IntentId },
    }.ToJsonString();

    /// <summary>
    /// The blocks to post: <paramref name="blocks"/>, or the text as sections when there are none, with this mark as the
    /// id of the first block that has none of its own.
    /// </summary>
    public JsonArray Blocks(string text, JsonArray? blocks)
    {
        var marked = blocks is null ? TextSections(text) : (JsonArray)blocks.DeepClone();
        if (marked.OfType<JsonObject>().FirstOrDefault(b => b["block_id"] is null) is { } first)
        {
            first["block_id"] = Id;
        }

        return marked;
    }

    /// <summary>True when <paramref name="message"/> (as <c>conversations.history</c> lists it) carries this mark.</summary>
    public bool IsOn(JsonElement message)
    {
        if (message.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("event_type", out var type) && type.GetString() == EventType
            && metadata.TryGetProperty("event_payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty("mark", out var mark) && mark.GetString() == Id)
        {
            return true;
        }

        return message.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array
            && blocks.EnumerateArray().Any(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("block_id", out var id) && id.GetString() == Id);
    }

    private static JsonArray TextSections(string text)
    {
        var sections = new JsonArray();
        var rest = text.Length == 0 ? " " : text;
        while (rest.Length > 0)
        {
            var cut = rest.Length;
            if (cut > SectionLength)
            {
                // At a line break, else a space, else anywhere but inside a surrogate pair.
                var line = rest.LastIndexOf('\n', SectionLength - 1);
                var space = rest.LastIndexOf(' ', SectionLength - 1);
                cut = line > 0 ? line + 1 : space > 0 ? space + 1 : SectionLength;
                if (char.IsHighSurrogate(rest[cut - 1]))
                {
                    cut--;
                }
            }

            sections.Add(SlackViews.Section(rest[..cut]));
            rest = rest[cut..];
        }

        return sections;
    }
}
