using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Nudges;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;

namespace IncidentBot.Teams.Cards;

/// <summary>
/// The Adaptive Cards the bot shows in Teams: the status card with its <c>Action.Execute</c> buttons and the
/// dialogs of the message extension. Every piece of user text is escaped (<see cref="Escape"/>) where the card
/// renders markdown, and cleaned of control characters where it does not (choice titles, input values).
/// </summary>
public static partial class TeamsCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    /// <summary>The highest schema version every Teams client renders.</summary>
    public const string CardVersion = "1.5";

    // Verbs of the Action.Execute buttons on the status card; the data of each carries {"verb", "incident"}.
    public const string VerbSetStatus = "setStatus";
    public const string VerbSetSeverity = "setSeverity";
    public const string VerbTakeLead = "takeLead";
    public const string VerbResolve = "resolve";
    public const string VerbReopen = "reopen";

    /// <summary>The snooze buttons of a nudge; their data also carries <see cref="DataNudge"/> and <see cref="DataMinutes"/>.</summary>
    public const string VerbSnooze = "snooze";
    public const string DataNudge = "nudge";
    public const string DataMinutes = "minutes";

    // Command ids of the message extension; the dialogs' submit data carries {"command": id}.
    public const string DeclareCommand = "declareIncident";
    public const string CaptureCommand = "addToTimeline";
    public const string KeyMomentCommand = "markKeyMoment";

    // Keys of the data the buttons and dialogs send back.
    public const string DataVerb = "verb";
    public const string DataIncident = "incident";
    public const string DataCommand = "command";

    /// <summary>Ids of the inputs; Teams merges their values into the submitted data under these keys.</summary>
    public static class Inputs
    {
        public const string Status = "status";
        public const string Severity = "severity";
        public const string Summary = "summary";
        public const string Title = "title";
        public const string Description = "description";
        public const string Service = "service";
        public const string Private = "private";
        public const string Incident = "incident";
        public const string UseChannel = "useChannel";
        public const string Backfill = "backfill";
    }

    /// <summary>Statuses offered by the status picker; closing goes through Resolve (it needs a summary).</summary>
    private static readonly IncidentStatus[] OpenStatuses = [IncidentStatus.Investigating, IncidentStatus.Identified, IncidentStatus.Monitoring];

    private const int MaxSummaryLength = 2000;
    private const int MaxChoiceTitleLength = 120;
    private const int MaxChoices = 100;
    private const int MaxExcerptLength = 300;

    /// <summary>
    /// The status card of an incident, posted in its channel and replaced whenever the incident changes
    /// (and returned from every <c>adaptiveCard/action</c> so the clicker sees the new state at once).
    /// </summary>
    public static JsonObject StatusCard(IncidentDetails incident, IncidentsOptions options, string? pageUrl)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(options);

        var s = incident.Summary;
        var closed = s.Status.IsClosed();
        var declaredAt = AsUtc(s.DeclaredAt);
        var iso = declaredAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var body = new JsonArray
        {
            TextBlock(Escape($"{s.Reference} · {Clip(s.Title, Incident.MaxTitleLength)}"), size: "Large", weight: "Bolder"),
            // DATE()/TIME() are localised by the client; they work in TextBlocks (the fact below keeps plain UTC).
            TextBlock($"Declared by {Escape(incident.DeclaredBy.Name)} · {{{{DATE({iso}, SHORT)}}}} {{{{TIME({iso})}}}}", subtle: true, spacing: "None"),
        };

        if (s.IsPrivate)
        {
            body.Add(TextBlock("🔒 **Private incident**: only its members see it", color: "Warning"));
        }

        var facts = new JsonArray
        {
            Fact("Severity", Escape(s.Severity)),
            Fact("Status", Escape(s.Status.ToWord())),
            Fact(Escape(Capitalise(s.LeadRole)), s.Lead is null ? "_nobody yet_" : Escape(s.Lead.Name)),
            Fact("Declared", declaredAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC"),
        };
        if (!string.IsNullOrWhiteSpace(s.Service))
        {
            facts.Add(Fact("Service", Escape(s.Service)));
        }

        foreach (var role in incident.Roles.Where(r => !string.Equals(r.Role, s.LeadRole, StringComparison.OrdinalIgnoreCase)))
        {
            facts.Add(Fact(Escape(Capitalise(role.Role)), Escape(role.Holder.Name)));
        }

        body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts });

        if (!string.IsNullOrWhiteSpace(incident.ResolutionSummary))
        {
            body.Add(TextBlock($"**Summary:** {Paragraphs(Clip(incident.ResolutionSummary, MaxSummaryLength))}"));
        }

        if (s.Status == IncidentStatus.Cancelled && !string.IsNullOrWhiteSpace(incident.CancelReason))
        {
            body.Add(TextBlock($"**Cancelled:** {Paragraphs(Clip(incident.CancelReason, MaxSummaryLength))}"));
        }

        if (s.Status == IncidentStatus.Duplicate && incident.DuplicateOfNumber is { } original)
        {
            body.Add(TextBlock($"**Duplicate of** INC-{original.ToString(CultureInfo.InvariantCulture)}"));
        }

        var actions = new JsonArray();
        if (closed)
        {
            actions.Add(Execute("Reopen", VerbReopen, s.Number, sendsInputs: false));
        }
        else
        {
            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["separator"] = true,
                ["items"] = new JsonArray
                {
                    PickerRow(Inputs.Status, "Status", StatusChoices(), s.Status.ToWord(), Execute("Set status", VerbSetStatus, s.Number)),
                    PickerRow(Inputs.Severity, "Severity", SeverityChoices(options, s.Severity), options.CanonicalSeverity(s.Severity) ?? s.Severity,
                        Execute("Set severity", VerbSetSeverity, s.Number)),
                },
            });

            actions.Add(Execute($"Assign me as {Plain(s.LeadRole)}", VerbTakeLead, s.Number, sendsInputs: false));
            actions.Add(ResolveAction(s));
        }

        if (SafeUrl(pageUrl) is { } url)
        {
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Incident page", ["url"] = url });
        }

        var card = Card(body, actions);
        card["msteams"] = new JsonObject { ["width"] = "Full" };
        return card;
    }

    /// <summary>
    /// A nudge (a reminder to post an update, a quiet incident) with a snooze button for each of
    /// <see cref="NudgeTexts.SnoozeChoices"/>. Commands in the core's text are shown quoted after the bot's name: a card's
    /// markdown has no code spans.
    /// </summary>
    public static JsonObject NudgeCard(int number, NudgeKind kind, string text)
    {
        var body = new JsonArray { TextBlock(Escape(ChatMarkup.Render(text, command => $"“@IncidentBot {command}”"))) };
        var actions = new JsonArray();
        foreach (var length in NudgeTexts.SnoozeChoices(kind))
        {
            var snooze = Execute($"Snooze {NudgeTexts.Duration(length)}", VerbSnooze, number, sendsInputs: false);
            snooze["data"]![DataNudge] = NudgeTexts.Word(kind);
            snooze["data"]![DataMinutes] = (int)length.TotalMinutes;
            actions.Add(snooze);
        }

        return Card(body, actions);
    }

    /// <summary>The attachment an activity or an invoke response carries a card in.</summary>
    public static JsonObject Attachment(JsonObject card) => new()
    {
        ["contentType"] = ContentType,
        ["content"] = Detached(card),
    };

    /// <summary>How far back a converted channel's messages may be copied into the timeline, as the declare dialog offers it.</summary>
    public static readonly int[] BackfillChoices = [0, 15, 30, 60, 120, 240];

    /// <summary>
    /// The declare dialog (message extension action <see cref="DeclareCommand"/>). With <paramref name="offerThisChannel"/>
    /// (opened in a channel that is no incident's) it also offers to make that channel the incident's home, and how many
    /// minutes of its messages start the timeline.
    /// </summary>
    public static JsonObject DeclareForm(IncidentsOptions options, string? prefillDescription, string? error = null, bool offerThisChannel = false)
    {
        ArgumentNullException.ThrowIfNull(options);

        var body = new JsonArray();
        AddError(body, error);

        var defaultSeverity = options.EffectiveDefaultSeverity;
        body.Add(new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = Inputs.Title,
            ["label"] = "Title",
            ["placeholder"] = "Checkout errors spike",
            ["isRequired"] = true,
            ["maxLength"] = Incident.MaxTitleLength,
            ["errorMessage"] = $"Give the incident a short title (at most {Incident.MaxTitleLength} characters).",
        });
        body.Add(new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = Inputs.Severity,
            ["label"] = "Severity",
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = "Pick a severity.",
            ["value"] = defaultSeverity,
            ["choices"] = new JsonArray([.. options.Severities.Select(o => (JsonNode)Choice(
                string.IsNullOrWhiteSpace(o.Description) ? o.Name : $"{o.Name} — {o.Description}", o.Name))]),
        });

        var description = new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = Inputs.Description,
            ["label"] = "Description / impact",
            ["isMultiline"] = true,
            ["maxLength"] = Incident.MaxTextLength,
        };
        if (!string.IsNullOrWhiteSpace(prefillDescription))
        {
            description["value"] = Clip(Plain(prefillDescription, multiline: true), Incident.MaxTextLength);
        }

        body.Add(description);
        body.Add(new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = Inputs.Service,
            ["label"] = "Affected service",
            ["placeholder"] = "checkout-api",
            ["maxLength"] = 200,
        });
        body.Add(new JsonObject
        {
            ["type"] = "Input.Toggle",
            ["id"] = Inputs.Private,
            ["label"] = "Visibility",
            ["title"] = "Private incident (only its members see it)",
            ["value"] = "false",
            ["valueOn"] = "true",
            ["valueOff"] = "false",
        });
        if (offerThisChannel)
        {
            body.Add(new JsonObject
            {
                ["type"] = "Input.Toggle",
                ["id"] = Inputs.UseChannel,
                ["label"] = "Incident channel",
                ["title"] = "Use this channel: the incident's thread starts here instead of in the incidents channel",
                ["value"] = "false",
                ["valueOn"] = "true",
                ["valueOff"] = "false",
            });
            body.Add(new JsonObject
            {
                ["type"] = "Input.ChoiceSet",
                ["id"] = Inputs.Backfill,
                ["label"] = "Start the timeline with this channel's messages of the last …",
                ["style"] = "compact",
                ["value"] = "30",
                ["choices"] = new JsonArray([.. BackfillChoices.Select(m => (JsonNode)Choice(
                    m == 0 ? "none" : NudgeTexts.Duration(TimeSpan.FromMinutes(m)), m.ToString(CultureInfo.InvariantCulture)))]),
            });
        }

        var declare = new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = "Declare",
            ["style"] = "positive",
            ["data"] = new JsonObject { [DataCommand] = DeclareCommand },
        };
        return Card(body, new JsonArray(declare));
    }

    /// <summary>
    /// The capture dialog (message action <see cref="CaptureCommand"/>): which open incident the message goes to.
    /// With no open incident it only says so, and has nothing to submit.
    /// </summary>
    public static JsonObject CaptureForm(IReadOnlyList<IncidentSummary> open, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(open);

        var body = new JsonArray();
        AddError(body, error);
        if (open.Count == 0)
        {
            body.Add(TextBlock("There are no open incidents you can add to. Declare one first: **Declare incident** in the message actions, or `@IncidentBot declare <title>`."));
            return Card(body, null);
        }

        var picker = new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = Inputs.Incident,
            ["label"] = "Incident",
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = "Pick the incident to add this message to.",
            ["choices"] = new JsonArray([.. open.Take(MaxChoices).Select(i => (JsonNode)Choice(
                $"{i.Reference} · {i.Title}", i.Number.ToString(CultureInfo.InvariantCulture)))]),
        };
        if (open.Count == 1)
        {
            picker["value"] = open[0].Number.ToString(CultureInfo.InvariantCulture);
        }

        body.Add(TextBlock("The message is added to the incident's timeline, with a link back to it."));
        body.Add(picker);

        var add = new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = "Add",
            ["style"] = "positive",
            ["data"] = new JsonObject { [DataCommand] = CaptureCommand },
        };
        return Card(body, new JsonArray(add));
    }

    /// <summary>
    /// The key-moment dialog (message action <see cref="KeyMomentCommand"/>): which incident the message is marked in,
    /// confirmed with one button, so the mark is made by the submit (stored and applied once), not by opening the dialog.
    /// </summary>
    public static JsonObject KeyMomentForm(IncidentSummary incident, string excerpt)
    {
        ArgumentNullException.ThrowIfNull(incident);

        var body = new JsonArray
        {
            TextBlock($"Mark this message as a key moment of {incident.Reference} · {Escape(incident.Title)}? Key moments make the review doc's key timeline."),
        };
        if (excerpt.Length > 0)
        {
            body.Add(TextBlock(Escape(excerpt.Length <= MaxExcerptLength ? excerpt : excerpt[..MaxExcerptLength] + "…"), subtle: true));
        }

        var mark = new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = "Mark as key moment",
            ["style"] = "positive",
            ["data"] = new JsonObject { [DataCommand] = KeyMomentCommand },
        };
        return Card(body, new JsonArray(mark));
    }

    private static JsonObject ResolveAction(IncidentSummary s)
    {
        var summary = new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = Inputs.Summary,
            ["label"] = "What fixed it? (a line for the summary)",
            ["isMultiline"] = true,
            ["isRequired"] = true,
            ["maxLength"] = MaxSummaryLength,
            ["errorMessage"] = "Say in a line what fixed it.",
        };
        var confirm = Execute($"Resolve {s.Reference}", VerbResolve, s.Number, style: "positive");
        return new JsonObject
        {
            ["type"] = "Action.ShowCard",
            ["title"] = "Resolve",
            ["card"] = new JsonObject
            {
                ["type"] = "AdaptiveCard",
                ["body"] = new JsonArray(summary),
                ["actions"] = new JsonArray(confirm),
            },
        };
    }

    /// <summary>A picker and its button side by side: <c>[ choice ▾ ] [Set …]</c>.</summary>
    private static JsonObject PickerRow(string id, string label, JsonArray choices, string value, JsonObject button) => new()
    {
        ["type"] = "ColumnSet",
        ["columns"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "Column",
                ["width"] = "stretch",
                ["items"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Input.ChoiceSet",
                    ["id"] = id,
                    ["label"] = label,
                    ["style"] = "compact",
                    ["value"] = value,
                    ["choices"] = choices,
                }),
            },
            new JsonObject
            {
                ["type"] = "Column",
                ["width"] = "auto",
                ["verticalContentAlignment"] = "Bottom",
                ["items"] = new JsonArray(new JsonObject { ["type"] = "ActionSet", ["actions"] = new JsonArray(button) }),
            },
        },
    };

    private static JsonArray StatusChoices() =>
        new([.. OpenStatuses.Select(st => (JsonNode)Choice(st.ToWord(), st.ToWord()))]);

    private static JsonArray SeverityChoices(IncidentsOptions options, string current)
    {
        var choices = new JsonArray([.. options.Severities.Select(o => (JsonNode)Choice(
            string.IsNullOrWhiteSpace(o.Description) ? o.Name : $"{o.Name} — {o.Description}", o.Name))]);
        if (options.CanonicalSeverity(current) is null && !string.IsNullOrWhiteSpace(current))
        {
            // A severity since removed from the configuration: keep it visible rather than show an empty picker.
            choices.Insert(0, Choice(current, current));
        }

        return choices;
    }

    /// <summary>An <c>Action.Execute</c> whose data names the verb and the incident, so the handler needs nothing else.</summary>
    private static JsonObject Execute(string title, string verb, int number, string? style = null, bool sendsInputs = true)
    {
        var action = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = verb,
            ["data"] = new JsonObject { [DataVerb] = verb, [DataIncident] = number },
        };
        if (style is not null)
        {
            action["style"] = style;
        }

        if (!sendsInputs)
        {
            // Buttons that need no input must not be blocked by (or carry) the pickers' values.
            action["associatedInputs"] = "none";
        }

        return action;
    }

    private static JsonObject Card(JsonArray body, JsonArray? actions)
    {
        var card = new JsonObject
        {
            ["$schema"] = SchemaUrl,
            ["type"] = "AdaptiveCard",
            ["version"] = CardVersion,
            ["body"] = body,
        };
        if (actions is { Count: > 0 })
        {
            card["actions"] = actions;
        }

        return card;
    }

    /// <summary>A TextBlock of markdown the caller has already escaped.</summary>
    private static JsonObject TextBlock(string markdown, string? size = null, string? weight = null, string? color = null, bool subtle = false, string? spacing = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = markdown, ["wrap"] = true };
        if (size is not null)
        {
            block["size"] = size;
        }

        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (color is not null)
        {
            block["color"] = color;
        }

        if (subtle)
        {
            block["isSubtle"] = true;
        }

        if (spacing is not null)
        {
            block["spacing"] = spacing;
        }

        return block;
    }

    private static void AddError(JsonArray body, string? error)
    {
        if (!string.IsNullOrWhiteSpace(error))
        {
            body.Add(TextBlock(Escape(error), color: "Attention", weight: "Bolder"));
        }
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    /// <summary>Choice titles are plain text (not markdown): cleaned and clipped, never escaped.</summary>
    private static JsonObject Choice(string title, string value) => new()
    {
        ["title"] = Clip(Plain(title), MaxChoiceTitleLength),
        ["value"] = value,
    };

    /// <summary>Escaped text whose line breaks survive markdown (a single newline would be folded into a space).</summary>
    private static string Paragraphs(string text) => Escape(text).Replace("\n", "\n\n", StringComparison.Ordinal);

    private static string? SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;

    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    /// <summary>A node can have one parent only: a card already placed somewhere is copied.</summary>
    private static JsonObject Detached(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return card.Parent is null ? card : card.DeepClone().AsObject();
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Shortens to <paramref name="max"/> characters with an ellipsis, never splitting a surrogate pair.</summary>
    private static string Clip(string s, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }

        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(s[cut - 1]))
        {
            cut--;
        }

        return s[..cut] + "…";
    }
}
