using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Http;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Blocks;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// What to answer Slack right away: a status and, where Slack reads one, a JSON body; and a form to open once the
/// answer has gone out (<see cref="SlackAfterAck"/>), never before it.
/// </summary>
public sealed record SlackAck(int StatusCode, JsonObject? Body = null)
{
    public static SlackAck Ok { get; } = new(200);

    /// <summary>Opened by the transport after it sent this ack: the ack never waits for Slack's Web API.</summary>
    public SlackForm? Form { get; init; }

    public static SlackAck BadRequest(string reason) => new(400, new JsonObject { ["error"] = reason });

    public static SlackAck Ephemeral(string text) => new(200, new JsonObject { ["response_type"] = "ephemeral", ["text"] = SlackText.Escape(text) });

    public static SlackAck Opening(SlackForm form) => new(200) { Form = form };
}

/// <summary>
/// Everything Slack sends, whether over HTTP or Socket Mode, arrives here already authenticated. It stores the
/// delivery (so it is applied exactly once, after the ack) and answers at once. Nothing here calls Slack: a form is
/// chosen here (from the store alone) and opened right after the ack, within the 3 s its trigger allows.
/// </summary>
public sealed class SlackInbound(
    InboxWriter inbox,
    IMediator mediator,
    OutboundPolicies outbound,
    IOptions<IncidentsOptions> incidents,
    IOptions<SlackOptions> slack,
    ILogger<SlackInbound> logger)
{
    public const string Source = "slack";
    private static readonly string[] CommandFields = ["team_id", "user_id", "channel_id", "trigger_id", "response_url"];

    public async Task<SlackAck> CommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (form.TryGetValue("ssl_check", out var ssl) && ssl == "1")
        {
            return SlackAck.Ok;
        }

        var missing = CommandFields.Where(f => !form.TryGetValue(f, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        if (missing.Count > 0)
        {
            logger.LogWarning("Slack command without {Fields}; refused", string.Join(", ", missing));
            return SlackAck.BadRequest($"missing {string.Join(", ", missing)}");
        }

        var text = SlackText.Command(form.GetValueOrDefault("text"), new Dictionary<string, string>());
        var actor = new Actor(PersonKey.Create(Source, form["user_id"]), form.GetValueOrDefault("user_name") ?? form["user_id"], form["team_id"]);

        // Forms must open within 3 s of the trigger, so they open right after the ack rather than after the queue.
        if (await FormForCommandAsync(text, actor, form, cancellationToken) is { } toOpen)
        {
            // A command's ack can carry text: when Slack is known to be unreachable (its Web API's circuit is open), say so
            // at once. The circuit is asked directly: the form's opener, with its HTTP clients, is made only after the ack.
            return outbound[SlackApiClient.Outbound].IsBroken ? SlackAck.Ephemeral(SlackForms.CannotOpen) : SlackAck.Opening(toOpen);
        }

        var payload = JsonSerializer.Serialize(form);
        if (!await inbox.TryAcceptAsync(Source, $"command:{form["trigger_id"]}", SlackDeliveryKinds.Command, payload, cancellationToken, OrderingKey(form["channel_id"])))
        {
            logger.LogInformation("Slack command {Trigger} delivered again; already stored", form["trigger_id"]);
        }

        return SlackAck.Ok;
    }

    public async Task<SlackAck> EventAsync(JsonElement body, CancellationToken cancellationToken)
    {
        if (JsonInput.HasBrokenText(body))
        {
            logger.LogWarning("Slack event refused: a string holds invalid UTF-16 (a lone surrogate)");
            return SlackAck.BadRequest("invalid UTF-16 in a string");
        }

        var type = body.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "url_verification":
                return new SlackAck(200, new JsonObject { ["challenge"] = body.TryGetProperty("challenge", out var c) ? c.GetString() : string.Empty });
            case "event_callback":
                if (!body.TryGetProperty("event_id", out var id) || id.GetString() is not { Length: > 0 } eventId || !body.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.Object)
                {
                    logger.LogWarning("Slack event_callback without event_id or event; refused");
                    return SlackAck.BadRequest("event_callback needs event_id and event");
                }

                if (!await inbox.TryAcceptAsync(Source, $"event:{eventId}", SlackDeliveryKinds.Event, body.GetRawText(), cancellationToken, EventOrderingKey(ev)))
                {
                    logger.LogInformation("Slack event {EventId} delivered again; already stored", eventId);
                }

                return SlackAck.Ok;
            case "app_rate_limited":
                logger.LogWarning("Slack stopped sending events for a while: app_rate_limited ({Body})", body.GetRawText());
                return SlackAck.Ok;
            default:
                logger.LogWarning("Slack event envelope of unknown type '{Type}'; refused", type);
                return SlackAck.BadRequest("unknown envelope type");
        }
    }

    public async Task<SlackAck> InteractionAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        if (JsonInput.HasBrokenText(payload))
        {
            logger.LogWarning("Slack interaction refused: a string holds invalid UTF-16 (a lone surrogate)");
            return SlackAck.BadRequest("invalid UTF-16 in a string");
        }

        var type = payload.TryGetProperty("type", out var t) ? t.GetString() : null;
        var userId = payload.TryGetProperty("user", out var u) && u.TryGetProperty("id", out var uid) ? uid.GetString() : null;
        var trigger = payload.TryGetProperty("trigger_id", out var tr) ? tr.GetString() : null;
        if (type is null || userId is null)
        {
            logger.LogWarning("Slack interaction without type or user; refused");
            return SlackAck.BadRequest("interaction needs type and user");
        }

        var team = payload.TryGetProperty("team", out var tm) && tm.ValueKind == JsonValueKind.Object && tm.TryGetProperty("id", out var tid) ? tid.GetString() : null;
        var name = u.TryGetProperty("username", out var un) ? un.GetString() : u.TryGetProperty("name", out var n) ? n.GetString() : null;
        var actor = new Actor(PersonKey.Create(Source, userId), name ?? userId, team);

        // An interaction's ack carries no text Slack shows: a form that cannot open is explained through the
        // payload's response_url (or an ephemeral message) after the ack.
        var responseUrl = payload.TryGetProperty("response_url", out var ru) && ru.ValueKind == JsonValueKind.String ? ru.GetString() : null;
        SlackForm Form(string triggerId, JsonObject view, string? channel) => new(triggerId, view, userId, responseUrl, channel);

        switch (type)
        {
            case "block_actions":
                return await BlockActionAsync(payload, actor, trigger, Form, cancellationToken);
            case "view_submission":
                return await ViewSubmissionAsync(payload, cancellationToken);
            case "view_closed":
                return SlackAck.Ok;
            case "shortcut" when Callback(payload) == SlackViews.DeclareCallback:
                return trigger is null ? SlackAck.Ok : SlackAck.Opening(Form(trigger, SlackViews.DeclareModal(incidents.Value, null), null));
            case "message_action" when Callback(payload) == SlackViews.CaptureCallback:
                return await MessageActionAsync(payload, actor, trigger, Form, cancellationToken);
            default:
                logger.LogInformation("Slack interaction of type {Type} ignored", type);
                return SlackAck.Ok;
        }
    }

    private async Task<SlackAck> BlockActionAsync(JsonElement payload, Actor actor, string? trigger, Func<string, JsonObject, string?, SlackForm> form,
        CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0 || trigger is null)
        {
            return SlackAck.BadRequest("block_actions needs actions and trigger_id");
        }

        var action = actions[0];
        if (action.TryGetProperty("action_id", out var a) && a.GetString() == "resolve"
            && action.TryGetProperty("value", out var v) && int.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            try
            {
                var incident = await mediator.Send(new GetIncident(actor, number), cancellationToken);
                return SlackAck.Opening(form(trigger, SlackViews.ResolveModal(number, incident.Summary.Title), InteractionChannel(payload)));
            }
            catch (IncidentRuleException rule)
            {
                return SlackAck.Ephemeral(rule.Message);
            }
        }

        await inbox.TryAcceptAsync(Source, $"action:{trigger}", SlackDeliveryKinds.Interaction, payload.GetRawText(), cancellationToken, OrderingKey(InteractionChannel(payload)));
        return SlackAck.Ok;
    }

    private async Task<SlackAck> ViewSubmissionAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("view", out var view) || !view.TryGetProperty("callback_id", out var cb) || !view.TryGetProperty("id", out var viewId))
        {
            return SlackAck.BadRequest("view_submission needs view.callback_id and view.id");
        }

        var values = SlackViewValues.Read(view);
        var errors = new JsonObject();
        switch (cb.GetString())
        {
            case SlackViews.DeclareCallback:
                var title = values.Text("title");
                if (string.IsNullOrWhiteSpace(title))
                {
                    errors["title"] = "Give the incident a title.";
                }
                else if (title.Trim().Length > Incident.MaxTitleLength)
                {
                    errors["title"] = $"At most {Incident.MaxTitleLength} characters.";
                }

                break;
            case SlackViews.ResolveCallback:
                if (string.IsNullOrWhiteSpace(values.Text("summary")))
                {
                    errors["summary"] = "A short line on what fixed it.";
                }

                break;
            case SlackViews.CaptureCallback:
                if (values.Selected("incident") is null)
                {
                    errors["incident"] = "Choose an incident.";
                }

                break;
            default:
                logger.LogInformation("view_submission for unknown callback {Callback} ignored", cb.GetString());
                return SlackAck.Ok;
        }

        if (errors.Count > 0)
        {
            return new SlackAck(200, new JsonObject { ["response_action"] = "errors", ["errors"] = errors });
        }

        var hash = view.TryGetProperty("hash", out var h) ? h.GetString() : null;
        await inbox.TryAcceptAsync(Source, $"view:{viewId.GetString()}:{hash}", SlackDeliveryKinds.Interaction, payload.GetRawText(), cancellationToken);
        return SlackAck.Ok;
    }

    private async Task<SlackAck> MessageActionAsync(JsonElement payload, Actor actor, string? trigger, Func<string, JsonObject, string?, SlackForm> form,
        CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("channel", out var ch) || !ch.TryGetProperty("id", out var cid) || cid.GetString() is not { } channel
            || !payload.TryGetProperty("message", out var message) || !message.TryGetProperty("ts", out var ts) || trigger is null)
        {
            return SlackAck.BadRequest("message_action needs channel, message and trigger_id");
        }

        var number = await mediator.Send(new FindIncidentByChannel(Source, channel), cancellationToken);
        if (number is not null)
        {
            await inbox.TryAcceptAsync(Source, $"capture:{trigger}", SlackDeliveryKinds.Interaction, payload.GetRawText(), cancellationToken, OrderingKey(channel));
            return SlackAck.Ok;
        }

        // Outside an incident channel: ask which incident; the message travels in the form's metadata.
        var open = (await mediator.Send(new ListOpenIncidents(actor), cancellationToken)).Items;
        if (open.Count == 0)
        {
            return SlackAck.Opening(form(trigger, SlackViews.NoOpenIncidentsModal(), channel));
        }

        var metadata = new JsonObject
        {
            ["c"] = channel,
            ["t"] = ts.GetString(),
            ["u"] = message.TryGetProperty("user", out var mu) ? mu.GetString() : null,
            ["x"] = Clip(message.TryGetProperty("text", out var mt) ? mt.GetString() ?? string.Empty : string.Empty, 2500),
        };
        return SlackAck.Opening(form(trigger, SlackViews.CaptureModal(open, metadata.ToJsonString()), channel));
    }

    /// <summary>
    /// The name of the channel a declare was run in when it could become the incident's channel: a public or private
    /// channel (not a direct message) that is neither an incident's nor the announcements channel.
    /// </summary>
    private async Task<string?> ConvertibleChannelAsync(IReadOnlyDictionary<string, string> command, CancellationToken cancellationToken)
    {
        var channel = command["channel_id"];
        if (channel.Length < 2 || channel[0] is not ('C' or 'G') || channel == slack.Value.AnnouncementsChannel
            || !command.TryGetValue("channel_name", out var name) || name is "" or "directmessage" or "privategroup")
        {
            return null;
        }

        return await mediator.Send(new FindIncidentByChannel(Source, channel), cancellationToken) is null ? name : null;
    }

    /// <summary>The form a command asks for (declare without a title, resolve without a summary), if any.</summary>
    private async Task<SlackForm?> FormForCommandAsync(CommandInput text, Actor actor, IReadOnlyDictionary<string, string> command, CancellationToken cancellationToken)
    {
        var options = incidents.Value;
        var channel = command["channel_id"];
        SlackForm Form(JsonObject view) => new(command["trigger_id"], view, command["user_id"], command["response_url"], channel);
        var context = CommandContext.From(options);
        if (CommandParser.Parse(text, context) is not ParsedCommand parsed)
        {
            return null;
        }

        switch (parsed.Command)
        {
            case DeclareCommand { Title.Length: 0 }:
                return Form(SlackViews.DeclareModal(options, channel, convertChannelName: await ConvertibleChannelAsync(command, cancellationToken)));
            case ResolveCommand { Summary: null or "" }:
                var number = parsed.IncidentNumber ?? await mediator.Send(new FindIncidentByChannel(Source, channel), cancellationToken);
                if (number is not { } n)
                {
                    return null;
                }

                try
                {
                    var incident = await mediator.Send(new GetIncident(actor, n), cancellationToken);
                    if (!incident.Summary.Status.IsClosed())
                    {
                        return Form(SlackViews.ResolveModal(n, incident.Summary.Title));
                    }
                }
                catch (IncidentRuleException)
                {
                    // Not visible or gone: the queued command answers with the reason.
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Deliveries from one channel are applied in the order they arrived.</summary>
    private static string? OrderingKey(string? channel) => channel is { Length: > 0 } ? $"slack:{channel}" : null;

    /// <summary>
    /// Reactions and pins concern one message: they are ordered with the other events about that message, not behind
    /// everything else in the channel, so a busy incident's reactions are applied side by side. The rest keep their
    /// channel's order.
    /// </summary>
    private static string? EventOrderingKey(JsonElement ev)
    {
        var channel = EventChannel(ev);
        if (channel is { Length: > 0 } && Str(ev, "type") is "reaction_added" or "reaction_removed" or "pin_added" or "pin_removed"
            && ev.TryGetProperty("item", out var item) && item.ValueKind == JsonValueKind.Object && Str(item, "type") == "message"
            && (Str(item, "ts") ?? (item.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object ? Str(message, "ts") : null)) is { Length: > 0 } ts)
        {
            return $"slack:{channel}:{ts}";
        }

        return OrderingKey(channel);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? EventChannel(JsonElement ev) =>
        (ev.TryGetProperty("item", out var item) && item.ValueKind == JsonValueKind.Object && item.TryGetProperty("channel", out var ic) ? ic.GetString() : null)
        ?? (ev.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null)
        ?? (ev.TryGetProperty("channel_id", out var ci) && ci.ValueKind == JsonValueKind.String ? ci.GetString() : null);

    private static string? InteractionChannel(JsonElement payload) =>
        payload.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("id", out var id) ? id.GetString()
        : payload.TryGetProperty("container", out var k) && k.ValueKind == JsonValueKind.Object && k.TryGetProperty("channel_id", out var kc) ? kc.GetString()
        : null;

    private static string? Callback(JsonElement payload) =>
        payload.TryGetProperty("callback_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}

public static class SlackDeliveryKinds
{
    public const string Command = "command";
    public const string Event = "event";
    public const string Interaction = "interaction";
}
