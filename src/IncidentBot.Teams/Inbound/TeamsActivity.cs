using System.Text.Json;

namespace IncidentBot.Teams.Inbound;

/// <summary>A Bot Framework activity as received: the fields the adapter reads, over the raw JSON.</summary>
public sealed class TeamsActivity
{
    private TeamsActivity(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public string Type => Str(Root, "type") ?? string.Empty;
    public string? Id => Str(Root, "id");
    public string? Name => Str(Root, "name");
    public string ServiceUrl => Str(Root, "serviceUrl") ?? string.Empty;
    public string ChannelId => Str(Root, "channelId") ?? string.Empty;
    public string? Text => Str(Root, "text");
    public string? ReplyToId => Str(Root, "replyToId");
    public JsonElement Value => Root.TryGetProperty("value", out var v) ? v : default;
    public JsonElement From => Obj(Root, "from");
    public JsonElement Recipient => Obj(Root, "recipient");
    public JsonElement Conversation => Obj(Root, "conversation");
    public JsonElement ChannelData => Obj(Root, "channelData");
    public string ConversationId => Str(Conversation, "id") ?? string.Empty;
    public string? ConversationType => Str(Conversation, "conversationType");
    public string? FromAadObjectId => Str(From, "aadObjectId");
    public string? FromName => Str(From, "name");
    public string? RecipientId => Str(Recipient, "id");

    public string? TenantId => Str(Obj(ChannelData, "tenant"), "id") ?? Str(Conversation, "tenantId");
    public string? TeamId => Str(Obj(ChannelData, "team"), "id");
    public string? TeamAadGroupId => Str(Obj(ChannelData, "team"), "aadGroupId");
    public string? TeamsChannelId => Str(Obj(ChannelData, "channel"), "id");

    /// <summary>The person: <c>teams:&lt;aadObjectId&gt;</c> (the same id Microsoft sign-in gives); the channel account id when there is none.</summary>
    public string PersonKey => $"teams:{FromAadObjectId ?? Str(From, "id") ?? "unknown"}";

    /// <summary>Parses and checks the fields every activity needs; null when they are missing (a 400).</summary>
    public static TeamsActivity? TryParse(JsonElement root, out string? problem)
    {
        problem = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "not a JSON object";
            return null;
        }

        var activity = new TeamsActivity(root.Clone());
        if (activity.Type.Length == 0)
        {
            problem = "no type";
        }
        else if (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var service) || (service.Scheme != Uri.UriSchemeHttps && service.Scheme != Uri.UriSchemeHttp))
        {
            problem = "no valid serviceUrl";
        }
        else if (activity.ChannelId.Length == 0)
        {
            problem = "no channelId";
        }
        else if (activity.ConversationId.Length == 0)
        {
            problem = "no conversation.id";
        }

        return problem is null ? activity : null;
    }

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;
}
