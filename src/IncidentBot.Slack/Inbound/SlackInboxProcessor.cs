using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Membership;
using IncidentBot.Core.Features.Nudges;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Blocks;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Applies stored Slack deliveries: each becomes one MediatR request, and its reply goes back to the person
/// (through the command's <c>response_url</c>, or as an ephemeral message). Rule violations are replies, not failures.
/// </summary>
public sealed class SlackInboxProcessor(
    IMediator mediator,
    SlackApiClient api,
    SlackResponseUrlClient responses,
    IOptions<SlackOptions> slack,
    IOptions<IncidentsOptions> incidents,
    ILogger<SlackInboxProcessor> logger) : IInboxProcessor
{
    public string Source => SlackInbound.Source;

    public async Task ProcessAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await (message.Kind switch
            {
                SlackDeliveryKinds.Command => CommandAsync(message.Payload, cancellationToken),
                SlackDeliveryKinds.Event => EventAsync(message.Payload, cancellationToken),
                SlackDeliveryKinds.Interaction => InteractionAsync(message.Payload, cancellationToken),
                _ => throw new InvalidOperationException($"Unknown Slack delivery kind '{message.Kind}'."),
            });
        }
        catch (SlackRateLimitedException limited)
        {
            // Slack said when: the delivery waits in the queue for it, without using up an attempt.
            throw new OutboxRetryException(limited.Message, limited.RetryAfter, limited);
        }
    }

    private async Task CommandAsync(string payload, CancellationToken cancellationToken)
    {
        var form = JsonSerializer.Deserialize<Dictionary<string, string>>(payload)!;
        var actor = new Actor(PersonKey.Create("slack", form["user_id"]), form.GetValueOrDefault("user_name") ?? form["user_id"], form["team_id"]);
        var text = form.GetValueOrDefault("text");
        var reply = await mediator.Send(new RunChatCommand(actor, SlackText.Command(text, await NamesAsync(text, cancellationToken)),
            new ChatLocation("slack", form["channel_id"], form["team_id"])), cancellationToken);
        if (reply.OpenDeclareForm)
        {
            reply = ChatReply.Private($"Run {ChatMarkup.Command("declare")} again to open the form.");
        }

        await responses.RespondAsync(form["response_url"], new JsonObject
        {
            ["response_type"] = reply.Visibility == ReplyVisibility.InChannel ? "in_channel" : "ephemeral",
            ["text"] = SlackText.Reply(reply.Text),
        }, cancellationToken);
    }

    private async Task EventAsync(string payload, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(payload);
        var body = document.RootElement;
        var team = body.TryGetProperty("team_id", out var t) ? t.GetString() : null;
        var ev = body.GetProperty("event");
        var type = ev.TryGetProperty("type", out var et) ? et.GetString() : null;
        switch (type)
        {
            case "reaction_added" or "reaction_removed" when Str(ev, "reaction") == slack.Value.KeyMomentEmoji && ev.TryGetProperty("item", out var starred) && Str(starred, "type") == "message":
                await KeyMomentReactionAsync(Str(ev, "user"), Str(starred, "channel"), Str(starred, "ts"), team, type == "reaction_added", cancellationToken);
                break;
            case "reaction_added" when Str(ev, "reaction") == slack.Value.TimelineEmoji && ev.TryGetProperty("item", out var item) && Str(item, "type") == "message":
                await CaptureReactionAsync(Str(ev, "user"), Str(item, "channel"), Str(item, "ts"), team, cancellationToken);
                break;
            case "pin_added" when ev.TryGetProperty("item", out var pinned) && Str(pinned, "type") == "message":
                var channel = Str(pinned, "channel") ?? Str(ev, "channel_id");
                if (pinned.TryGetProperty("message", out var message) && channel is not null)
                {
                    var m = SlackApiClient.ReadMessage(message);
                    await CaptureAsync(Str(ev, "user"), channel, m, team, Str(message, "permalink"), cancellationToken);
                }

                break;
            case "member_joined_channel" or "member_left_channel":
                await MembershipAsync(Str(ev, "user"), Str(ev, "channel"), team, type == "member_joined_channel", cancellationToken);
                break;
            default:
                logger.LogDebug("Slack event {Type} needs nothing", type);
                break;
        }
    }

    private async Task InteractionAsync(string payload, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(payload);
        var p = document.RootElement;
        var user = p.GetProperty("user");
        var team = p.TryGetProperty("team", out var tm) && tm.ValueKind == JsonValueKind.Object ? Str(tm, "id") : null;
        var actor = new Actor(PersonKey.Create("slack", Str(user, "id")!), Str(user, "username") ?? Str(user, "name") ?? Str(user, "id")!, team);
        var type = Str(p, "type");
        try
        {
            switch (type)
            {
                case "block_actions":
                    await BlockActionAsync(p, actor, cancellationToken);
                    break;
                case "view_submission":
                    await ViewSubmissionAsync(p, actor, cancellationToken);
                    break;
                case "message_action":
                    var channel = p.GetProperty("channel").GetProperty("id").GetString()!;
                    var number = await mediator.Send(new FindIncidentByChannel("slack", channel), cancellationToken);
                    if (number is not null)
                    {
                        var m = SlackApiClient.ReadMessage(p.GetProperty("message"));
                        await CaptureIntoAsync(actor, number.Value, channel, m, null, cancellationToken);
                    }

                    break;
            }
        }
        catch (IncidentRuleException rule)
        {
            await TellAsync(p, actor, rule.Message, cancellationToken);
        }
    }

    private async Task BlockActionAsync(JsonElement p, Actor actor, CancellationToken cancellationToken)
    {
        var action = p.GetProperty("actions")[0];
        var actionId = Str(action, "action_id");
        var blockId = Str(action, "block_id") ?? string.Empty;
        var numberText = Str(action, "value") ?? (blockId.StartsWith(SlackViews.ActionsBlock + ":", StringComparison.Ordinal) ? blockId[(SlackViews.ActionsBlock.Length + 1)..] : null);
        if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            logger.LogInformation("Slack block action {Action} without an incident number; ignored", actionId);
            return;
        }

        var selected = action.TryGetProperty("selected_option", out var so) && so.ValueKind == JsonValueKind.Object ? Str(so, "value") : null;
        if (SlackViews.TryReadSnooze(actionId, out var kind, out var length))
        {
            await TellAsync(p, actor, await mediator.Send(new SnoozeNudge(actor, number, kind, length), cancellationToken), cancellationToken);
            return;
        }

        switch (actionId)
        {
            case "set_status" when Enum.TryParse<IncidentStatus>(selected, ignoreCase: true, out var status):
                await mediator.Send(new ChangeStatus(actor, number, status), cancellationToken);
                break;
            case "set_severity" when selected is not null:
                await mediator.Send(new ChangeSeverity(actor, number, selected), cancellationToken);
                break;
            case "take_lead":
                await mediator.Send(new AssignRole(actor, number, incidents.Value.LeadRole, actor.PersonKey, actor.DisplayName), cancellationToken);
                break;
            case "reopen":
                await mediator.Send(new ReopenIncident(actor, number), cancellationToken);
                break;
            default:
                logger.LogInformation("Slack block action {Action} ignored", actionId);
                break;
        }
    }

    private async Task ViewSubmissionAsync(JsonElement p, Actor actor, CancellationToken cancellationToken)
    {
        var view = p.GetProperty("view");
        var values = SlackViewValues.Read(view);
        var metadata = Str(view, "private_metadata");
        switch (Str(view, "callback_id"))
        {
            case SlackViews.DeclareCallback:
                var useChannel = !string.IsNullOrEmpty(metadata) && values.Checked("use_channel", "use");
                var backfill = useChannel && int.TryParse(values.Selected("backfill"), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) ? minutes : 0;
                var declared = await mediator.Send(new DeclareIncident(actor, values.Text("title") ?? string.Empty, values.Selected("severity"),
                    values.Text("description"), values.Text("service"), values.Checked("private", "private"), useChannel ? metadata : null, backfill), cancellationToken);
                var where = string.IsNullOrEmpty(metadata) ? actor.PersonKey["slack:".Length..] : metadata;
                var next = !useChannel ? "Its channel is on the way."
                    : backfill > 0 ? $"This channel is its channel now; its messages of the last {NudgeTexts.Duration(TimeSpan.FromMinutes(backfill))} start the timeline."
                    : "This channel is its channel now.";
                await SafeEphemeralAsync(where, actor, $"{declared.Reference} declared ({declared.Severity}): {declared.Title}. {next}", cancellationToken);
                break;
            case SlackViews.ResolveCallback when int.TryParse(metadata, NumberStyles.None, CultureInfo.InvariantCulture, out var number):
                await mediator.Send(new ResolveIncident(actor, number, values.Text("summary")), cancellationToken);
                break;
            case SlackViews.CaptureCallback when int.TryParse(values.Selected("incident"), NumberStyles.None, CultureInfo.InvariantCulture, out var target) && metadata is { Length: > 0 }:
                var m = JsonNode.Parse(metadata)!;
                var channel = m["c"]!.GetValue<string>();
                var message = new SlackMessage(m["t"]!.GetValue<string>(), m["u"]?.GetValue<string>(), null, m["x"]?.GetValue<string>() ?? string.Empty, null);
                await CaptureIntoAsync(actor, target, channel, message, null, cancellationToken);
                break;
        }
    }

    private async Task CaptureReactionAsync(string? user, string? channel, string? ts, string? team, CancellationToken cancellationToken)
    {
        if (user is null || channel is null || ts is null)
        {
            return;
        }

        if (await mediator.Send(new FindIncidentByChannel("slack", channel), cancellationToken) is not { } number)
        {
            return; // reactions outside incident channels are none of our business
        }

        // Both need only the channel and ts: asked together, a reaction costs one round trip to Slack before it is
        // stored instead of two, and reactions into one channel are applied one after the other.
        var reading = api.MessageAsync(channel, ts, cancellationToken);
        var linking = api.PermalinkAsync(channel, ts, cancellationToken);
        await Task.WhenAll(reading, linking);
        if (await reading is not { } message)
        {
            logger.LogInformation("Reacted message {Channel}/{Ts} not found (deleted?)", channel, ts);
            return;
        }

        await CaptureAsync(number, user, channel, message, team, await linking, cancellationToken);
    }

    /// <summary>
    /// The key-moment reaction marks its message (captured first, when it is not in the timeline yet); taking the
    /// reaction away unmarks it, and a message that was never captured has nothing to unmark.
    /// </summary>
    private async Task KeyMomentReactionAsync(string? user, string? channel, string? ts, string? team, bool key, CancellationToken cancellationToken)
    {
        if (user is null || channel is null || ts is null || await mediator.Send(new FindIncidentByChannel("slack", channel), cancellationToken) is not { } number)
        {
            return;
        }

        var actor = new Actor(PersonKey.Create("slack", user), await api.UserNameAsync(user, cancellationToken) ?? user, team);
        try
        {
            var entryId = await mediator.Send(new FindCapturedEntry(actor, number, CaptureId(channel, ts)), cancellationToken);
            if (entryId is null && key)
            {
                if (await api.MessageAsync(channel, ts, cancellationToken) is not { } message)
                {
                    logger.LogInformation("Reacted message {Channel}/{Ts} not found (deleted?)", channel, ts);
                    return;
                }

                entryId = (await CaptureIntoAsync(actor, number, channel, message, null, cancellationToken)).EntryId;
            }

            if (entryId is { } id)
            {
                logger.LogInformation("Key-moment reaction {Change} by {User} on {Channel}/{Ts}: entry {Entry} of INC-{Number}", key ? "added" : "removed", user, channel, ts, id, number);
                await mediator.Send(new MarkKeyMoment(actor, number, id, key), cancellationToken);
            }
        }
        catch (IncidentRuleException rule)
        {
            // Nobody waits for an answer to a reaction: the person who made it is told in the channel.
            await SafeEphemeralAsync(channel, actor, rule.Message, cancellationToken);
        }
    }

    private async Task CaptureAsync(string? user, string channel, SlackMessage message, string? team, string? permalink, CancellationToken cancellationToken)
    {
        if (user is null || await mediator.Send(new FindIncidentByChannel("slack", channel), cancellationToken) is not { } number)
        {
            return;
        }

        await CaptureAsync(number, user, channel, message, team, permalink, cancellationToken);
    }

    private async Task CaptureAsync(int number, string user, string channel, SlackMessage message, string? team, string? permalink, CancellationToken cancellationToken)
    {
        var actor = new Actor(PersonKey.Create("slack", user), await api.UserNameAsync(user, cancellationToken) ?? user, team);
        try
        {
            await CaptureIntoAsync(actor, number, channel, message, permalink, cancellationToken);
        }
        catch (IncidentRuleException rule)
        {
            // A reaction or a pin has nobody waiting for an answer: the person who made it is told in the channel.
            await SafeEphemeralAsync(channel, actor, rule.Message, cancellationToken);
        }
    }

    /// <summary>Slack sends a mention picked from its list as a bare id; the names come from users.info (cached).</summary>
    private async Task<Dictionary<string, string>> NamesAsync(string? text, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mentioned in SlackText.MentionedUsers(text))
        {
            if (await api.UserNameAsync(mentioned, cancellationToken) is { } name)
            {
                names[mentioned] = name;
            }
        }

        return names;
    }

    /// <summary>The message becomes a timeline entry with its own author, time and link; keyed by channel and ts.</summary>
    private async Task<AddTimelineEntryResult> CaptureIntoAsync(Actor actor, int number, string channel, SlackMessage message, string? permalink, CancellationToken cancellationToken)
    {
        var authorKey = message.User is { } u ? PersonKey.Create("slack", u) : actor.PersonKey;
        var authorName = message.User is { } author ? await api.UserNameAsync(author, cancellationToken) : actor.DisplayName;
        permalink ??= await api.PermalinkAsync(channel, message.Ts, cancellationToken);
        return await mediator.Send(new AddTimelineEntry(actor, number, SlackText.Readable(message.Text, await NamesAsync(message.Text, cancellationToken)), CaptureId(channel, message.Ts),
            authorKey, authorName, SlackTs.ToTime(message.Ts), permalink), cancellationToken);
    }

    private static string CaptureId(string channel, string ts) => $"slack:{channel}:{ts}";

    private async Task MembershipAsync(string? user, string? channel, string? team, bool joined, CancellationToken cancellationToken)
    {
        if (user is null || channel is null || await mediator.Send(new FindIncidentByChannel("slack", channel), cancellationToken) is not { } number)
        {
            return;
        }

        var person = PersonKey.Create("slack", user);
        await mediator.Send(new ChangeMembership(new Actor(person, user, team), number, person, joined, MembershipSource.Channel, FromPlatform: true), cancellationToken);
    }

    private async Task TellAsync(JsonElement p, Actor actor, string text, CancellationToken cancellationToken)
    {
        if (Str(p, "response_url") is { } responseUrl)
        {
            await responses.RespondAsync(responseUrl, new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = SlackText.Reply(text) }, cancellationToken);
            return;
        }

        var channel = p.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.Object ? Str(c, "id") : null;
        if (p.TryGetProperty("view", out var view) && Str(view, "callback_id") == SlackViews.DeclareCallback)
        {
            channel = Str(view, "private_metadata");
        }

        await SafeEphemeralAsync(string.IsNullOrEmpty(channel) ? actor.PersonKey["slack:".Length..] : channel, actor, text, cancellationToken);
    }

    private async Task SafeEphemeralAsync(string channel, Actor actor, string text, CancellationToken cancellationToken)
    {
        try
        {
            await api.PostEphemeralAsync(channel, actor.PersonKey["slack:".Length..], SlackText.Reply(text), cancellationToken);
        }
        catch (SlackApiException e)
        {
            logger.LogInformation("Could not tell {User} in {Channel}: {Error}", actor.PersonKey, channel, e.Error);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Slack timestamps (<c>1712345678.000100</c>) are Unix seconds with a sequence suffix.</summary>
public static class SlackTs
{
    public static DateTimeOffset? ToTime(string ts) =>
        decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;
}
