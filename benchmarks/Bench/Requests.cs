using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Slack.Inbound;

namespace IncidentBot.Benchmarks;

/// <summary>
/// Writes request files for <see cref="Wrk"/>: every Slack request signed at the time of writing with its own
/// trigger or event id (so the bot stores each one), Teams activities each with its own id under one valid token.
/// </summary>
internal static class Requests
{
    public const string Secret = "bench-signing-secret";

    public static string SlashCommands(string path, string file, int count, string text, string responseBase, int channels = 50)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var writer = new StreamWriter(file, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var body = SlashCommand(i, text, responseBase, channels);
            WriteSlack(writer, path, ts, body);
        }

        return file;
    }

    public static string SlashCommand(int i, string text, string responseBase, int channels = 50) =>
        $"token=x&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH{i % channels}&channel_name=bench{i % channels}" +
        $"&user_id=U0BENCH{i % 50}&user_name=bench{i % 50}&command=%2Fincident&text={Uri.EscapeDataString(text)}&api_app_id=A0BENCH" +
        $"&response_url={Uri.EscapeDataString($"{responseBase}respond/{i}")}&trigger_id=bench.{i}.{Guid.NewGuid():N}";

    /// <summary>Alternating pin_added (message inline) and reaction_added (message read back) events in one channel.</summary>
    public static string TimelineEvents(string file, int count, string channel, string emoji)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var writer = new StreamWriter(file, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var messageTs = $"1800000000.{i:D6}";
            var ev = i % 2 == 0
                ? new JsonObject
                {
                    ["type"] = "pin_added",
                    ["user"] = $"U0BENCH{i % 50}",
                    ["channel_id"] = channel,
                    ["item"] = new JsonObject
                    {
                        ["type"] = "message",
                        ["channel"] = channel,
                        ["message"] = new JsonObject { ["type"] = "message", ["user"] = "U0BENCH", ["text"] = $"pinned message {i}", ["ts"] = messageTs, ["permalink"] = $"https://bench.slack.test/archives/{channel}/p{i}" },
                    },
                    ["event_ts"] = messageTs,
                }
                : new JsonObject
                {
                    ["type"] = "reaction_added",
                    ["user"] = $"U0BENCH{i % 50}",
                    ["reaction"] = emoji,
                    ["item"] = new JsonObject { ["type"] = "message", ["channel"] = channel, ["ts"] = messageTs },
                    ["event_ts"] = messageTs,
                };
            var envelope = new JsonObject
            {
                ["token"] = "x",
                ["team_id"] = "T0BENCH",
                ["api_app_id"] = "A0BENCH",
                ["type"] = "event_callback",
                ["event_id"] = $"Ev{i:D8}{Guid.NewGuid():N}",
                ["event_time"] = long.Parse(ts, CultureInfo.InvariantCulture),
                ["event"] = ev,
            };
            WriteSlack(writer, "/slack/events", ts, envelope.ToJsonString(), "application/json");
        }

        return file;
    }

    public static string TeamsMessages(string file, int count, string serviceUrl, string token)
    {
        using var writer = new StreamWriter(file, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var activity = new JsonObject
            {
                ["type"] = "message",
                ["id"] = $"bench-{i}-{Guid.NewGuid():N}",
                ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["channelId"] = "msteams",
                ["serviceUrl"] = serviceUrl,
                ["from"] = new JsonObject { ["id"] = $"29:bench-user-{i % 50}", ["name"] = $"Bench {i % 50}", ["aadObjectId"] = $"00000000-0000-4000-8000-{i % 50:D12}" },
                ["recipient"] = new JsonObject { ["id"] = $"28:{StandIn.AppId}", ["name"] = "IncidentBot" },
                ["conversation"] = new JsonObject { ["conversationType"] = "personal", ["id"] = $"a:bench-conversation-{i % 50}", ["tenantId"] = "bench-tenant" },
                ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "bench-tenant" } },
                ["text"] = "list",
                ["textFormat"] = "plain",
            };
            writer.Write("/api/messages\tContent-Type: application/json\tAuthorization: Bearer ");
            writer.Write(token);
            writer.Write('\t');
            writer.Write(activity.ToJsonString());
            writer.Write('\n');
        }

        return file;
    }

    private static void WriteSlack(StreamWriter writer, string path, string ts, string body, string contentType = "application/x-www-form-urlencoded")
    {
        var signature = Encoding.ASCII.GetString(SlackSignature.Compute(Secret, ts, Encoding.UTF8.GetBytes(body)));
        writer.Write(path);
        writer.Write($"\tContent-Type: {contentType}\tX-Slack-Request-Timestamp: {ts}\tX-Slack-Signature: {signature}\t");
        writer.Write(body);
        writer.Write('\n');
    }
}
