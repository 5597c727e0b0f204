using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Nudges;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;

namespace IncidentBot.Slack.Blocks;

/// <summary>The Block Kit the bot shows: status card, modals. All user text is escaped or sent as plain_text.</summary>
public static class SlackViews
{
    public const string DeclareCallback = "declare_incident";
    public const string ResolveCallback = "resolve_incident";
    public const string CaptureCallback = "add_to_timeline";
    public const string ActionsBlock = "incident_actions";

    /// <summary>The action id prefix of a nudge's snooze buttons: <c>snooze:&lt;update|stale&gt;:&lt;minutes&gt;</c>, the incident number as value.</summary>
    public const string SnoozeAction = "snooze";

    /// <summary>How far back a converted channel's messages may be copied into the timeline, as the declare form offers it.</summary>
    public static readonly int[] BackfillChoices = [0, 15, 30, 60, 120, 240];

    public static JsonObject PlainText(string text, bool emoji = true) => new() { ["type"] = "plain_text", ["text"] = Clip(text, 3000), ["emoji"] = emoji };

    public static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = Clip(text, 3000) };

    public static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    /// <summary>The pinned status card of an incident, kept current with <c>chat.update</c>.</summary>
    public static JsonArray StatusCard(IncidentDetails incident, IncidentsOptions options, string? pageUrl)
    {
        var s = incident.Summary;
        var lead = s.Lead is null ? "_nobody yet_" : SlackText.Person(s.Lead.Key, s.Lead.Name);
        var declared = new DateTimeOffset(s.DeclaredAt).ToUnixTimeSeconds();
        var fields = new JsonArray
        {
            Mrkdwn($"*Severity*\n{SlackText.Escape(s.Severity)}"),
            Mrkdwn($"*Status*\n{SlackText.Escape(s.Status.ToWord())}"),
            Mrkdwn($"*{SlackText.Escape(Capitalise(s.LeadRole))}*\n{lead}"),
            Mrkdwn($"*Declared*\n<!date^{declared}^{{date_short_pretty}} {{time}}|{s.DeclaredAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC>"),
        };
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText($"{s.Reference} · {s.Title}") },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
        };

        var notes = new List<string>();
        if (s.IsPrivate)
        {
            notes.Add(":lock: Private incident");
        }

        if (s.Service is { Length: > 0 } service)
        {
            notes.Add($"Service: {SlackText.Escape(service)}");
        }

        foreach (var role in incident.Roles.Where(r => !string.Equals(r.Role, s.LeadRole, StringComparison.OrdinalIgnoreCase)))
        {
            notes.Add($"{SlackText.Escape(role.Role)}: {SlackText.Person(role.Holder.Key, role.Holder.Name)}");
        }

        if (incident.ResolutionSummary is { Length: > 0 } summary)
        {
            notes.Add($"Summary: {SlackText.Escape(summary)}");
        }

        if (pageUrl is not null)
        {
            notes.Add(SlackText.Link(pageUrl, "Incident page and timeline"));
        }

        if (notes.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray([.. notes.Select(n => (JsonNode)Mrkdwn(n))]) });
        }

        var number = s.Number.ToString(CultureInfo.InvariantCulture);
        var actions = new JsonArray();
        if (s.Status.IsClosed())
        {
            actions.Add(Button("reopen", "Reopen", number));
        }
        else
        {
            actions.Add(Select("set_status", "Status",
                [IncidentStatus.Investigating, IncidentStatus.Identified, IncidentStatus.Monitoring],
                st => st.ToWord(), st => st.ToWord(), s.Status));
            actions.Add(Select("set_severity", "Severity", options.Severities, sev => sev.Name, sev => sev.Name,
                options.Severities.FirstOrDefault(o => o.Name == s.Severity)));
            actions.Add(Button("take_lead", $"Assign me as {s.LeadRole}", number));
            actions.Add(Button("resolve", "Resolve", number, "primary"));
        }

        blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = $"{ActionsBlock}:{number}", ["elements"] = actions });
        return blocks;
    }

    /// <summary>The fallback text of the card (notifications, screen readers).</summary>
    public static string StatusCardText(IncidentSummary s) =>
        $"{s.Reference} · {s.Severity} · {s.Status.ToWord()} · {s.Title}";

    /// <summary>
    /// The declare form. With <paramref name="convertChannelName"/> (declared in a channel that is no incident's) it also
    /// offers to make that channel the incident's, and how many minutes of its messages start the timeline.
    /// </summary>
    public static JsonObject DeclareModal(IncidentsOptions options, string? privateMetadata, string? initialDescription = null, string? convertChannelName = null)
    {
        var severity = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = "value",
            ["options"] = new JsonArray([.. options.Severities.Select(o => (JsonNode)Option(o.Name, o.Name, o.Description))]),
            ["initial_option"] = Option(options.EffectiveDefaultSeverity, options.EffectiveDefaultSeverity,
                options.Severities.First(o => o.Name == options.EffectiveDefaultSeverity).Description),
        };
        var description = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["multiline"] = true, ["max_length"] = 3000 };
        if (!string.IsNullOrWhiteSpace(initialDescription))
        {
            description["initial_value"] = Clip(initialDescription, 3000);
        }

        return Modal(DeclareCallback, "Declare an incident", "Declare", privateMetadata,
        [
            Input("title", "Title", new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["max_length"] = Incident.MaxTitleLength, ["placeholder"] = PlainText("Checkout errors spike") }),
            Input("severity", "Severity", severity),
            Input("description", "Description / impact", description, optional: true),
            Input("service", "Affected service", new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["max_length"] = 200 }, optional: true),
            Input("private", "Visibility", new JsonObject
            {
                ["type"] = "checkboxes",
                ["action_id"] = "value",
                ["options"] = new JsonArray(Option("Private incident (private channel; only members see it)", "private")),
            }, optional: true),
            .. convertChannelName is null ? Array.Empty<JsonNode>() : ConvertInputs(convertChannelName),
        ]);
    }

    /// <summary>A nudge: its text, and buttons that snooze it for each of <see cref="NudgeTexts.SnoozeChoices"/>.</summary>
    public static JsonArray NudgeBlocks(int number, NudgeKind kind, string mrkdwn)
    {
        var value = number.ToString(CultureInfo.InvariantCulture);
        var buttons = new JsonArray([.. NudgeTexts.SnoozeChoices(kind).Select(length => (JsonNode)Button(
            string.Create(CultureInfo.InvariantCulture, $"{SnoozeAction}:{NudgeTexts.Word(kind)}:{(int)length.TotalMinutes}"), $"Snooze {NudgeTexts.Duration(length)}", value))]);
        return [Section(mrkdwn), new JsonObject { ["type"] = "actions", ["elements"] = buttons }];
    }

    /// <summary>Reads a snooze button's action id back: which nudge, for how long.</summary>
    public static bool TryReadSnooze(string? actionId, out NudgeKind kind, out TimeSpan length)
    {
        kind = NudgeKind.UpdateReminder;
        length = TimeSpan.Zero;
        var parts = actionId?.Split(':') ?? [];
        if (parts.Length != 3 || parts[0] != SnoozeAction || NudgeTexts.KindOf(parts[1]) is not { } k
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes <= 0)
        {
            return false;
        }

        kind = k;
        length = TimeSpan.FromMinutes(minutes);
        return length <= NudgeTexts.MaxSnooze;
    }

    private static JsonNode[] ConvertInputs(string channelName) =>
    [
        Input("use_channel", "Incident channel", new JsonObject
        {
            ["type"] = "checkboxes",
            ["action_id"] = "value",
            ["options"] = new JsonArray(Option($"Use #{channelName} as the incident's channel instead of creating one", "use")),
        }, optional: true),
        Input("backfill", "Start the timeline with this channel's messages of the last …", new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = "value",
            ["options"] = new JsonArray([.. BackfillChoices.Select(m => (JsonNode)Option(BackfillLabel(m), m.ToString(CultureInfo.InvariantCulture)))]),
            ["initial_option"] = Option(BackfillLabel(30), "30"),
        }, optional: true),
    ];

    private static string BackfillLabel(int minutes) => minutes == 0 ? "none" : NudgeTexts.Duration(TimeSpan.FromMinutes(minutes));

    public static JsonObject ResolveModal(int number, string title) =>
        Modal(ResolveCallback, $"Resolve INC-{number}", "Resolve", number.ToString(CultureInfo.InvariantCulture),
        [
            Section($"*INC-{number}* · {SlackText.Escape(title)}"),
            Input("summary", "What fixed it? (a line for the summary)", new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["multiline"] = true, ["max_length"] = 2000 }),
        ]);

    public static JsonObject CaptureModal(IReadOnlyList<IncidentSummary> open, string privateMetadata) =>
        Modal(CaptureCallback, "Add to incident timeline", "Add", privateMetadata,
        [
            Input("incident", "Incident", new JsonObject
            {
                ["type"] = "static_select",
                ["action_id"] = "value",
                ["options"] = new JsonArray([.. open.Take(100).Select(i => (JsonNode)Option($"{i.Reference} · {i.Title}", i.Number.ToString(CultureInfo.InvariantCulture)))]),
            }),
        ]);

    public static JsonObject NoOpenIncidentsModal() =>
        new()
        {
            ["type"] = "modal",
            ["title"] = PlainText("Add to incident timeline"),
            ["close"] = PlainText("Close"),
            ["blocks"] = new JsonArray(Section("There are no open incidents you can add to. Declare one with `/incident declare`.")),
        };

    private static JsonObject Modal(string callbackId, string title, string submit, string? privateMetadata, JsonArray blocks) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = callbackId,
        ["title"] = PlainText(Clip(title, 24)),
        ["submit"] = PlainText(submit),
        ["close"] = PlainText("Cancel"),
        ["private_metadata"] = privateMetadata ?? string.Empty,
        ["blocks"] = blocks,
    };

    private static JsonObject Input(string blockId, string label, JsonObject element, bool optional = false) => new()
    {
        ["type"] = "input",
        ["block_id"] = blockId,
        ["label"] = PlainText(label),
        ["element"] = element,
        ["optional"] = optional,
    };

    private static JsonObject Option(string text, string value, string? description = null)
    {
        var option = new JsonObject { ["text"] = PlainText(Clip(text, 75)), ["value"] = value };
        if (!string.IsNullOrWhiteSpace(description))
        {
            option["description"] = PlainText(Clip(description, 75));
        }

        return option;
    }

    private static JsonObject Button(string actionId, string text, string value, string? style = null)
    {
        var button = new JsonObject { ["type"] = "button", ["action_id"] = actionId, ["text"] = PlainText(text), ["value"] = value };
        if (style is not null)
        {
            button["style"] = style;
        }

        return button;
    }

    private static JsonObject Select<T>(string actionId, string placeholder, IEnumerable<T> items, Func<T, string> text, Func<T, string> value, T? initial)
    {
        var select = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = actionId,
            ["placeholder"] = PlainText(placeholder),
            ["options"] = new JsonArray([.. items.Select(i => (JsonNode)Option(text(i), value(i)))]),
        };
        if (initial is not null)
        {
            select["initial_option"] = Option(text(initial), value(initial));
        }

        return select;
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
