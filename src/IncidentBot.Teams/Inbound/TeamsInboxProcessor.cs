using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Nudges;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Teams.Cards;
using IncidentBot.Teams.Outbound;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// Applies stored Teams activities: a message to the bot is a command of the grammar (the bot's mention stripped,
/// other mentions resolved to people); dialog submits and card buttons are the same requests as Slack's.
/// </summary>
public sealed class TeamsInboxProcessor(
    IMediator mediator,
    TeamsConnectorClient connector,
    IOptions<IncidentsOptions> incidents,
    IIncidentLinks links,
    ILogger<TeamsInboxProcessor> logger) : IInboxProcessor
{
    public string Source => TeamsInbound.Source;

    public async Task ProcessAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(message.Payload);
        var activity = TeamsActivity.TryParse(document.RootElement, out var problem) ?? throw new InvalidOperationException($"Stored activity is malformed: {problem}");
        try
        {
            if (message.Kind == TeamsDeliveryKinds.Message)
            {
                await MessageAsync(activity, cancellationToken);
            }
            else
            {
                await InvokeAsync(activity, cancellationToken);
            }
        }
        catch (TeamsRateLimitedException limited)
        {
            // Teams said when: the delivery waits in the queue for it, without using up an attempt.
            throw new OutboxRetryException(limited.Message, limited.RetryAfter, limited);
        }
    }

    private async Task MessageAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        var (text, mentions) = await ReadMentionsAsync(activity, cancellationToken);
        var actor = TeamsActors.Of(activity);
        var implied = await TeamsIncidents.ImpliedAsync(mediator, activity.ConversationId, cancellationToken);
        var reply = await mediator.Send(new RunChatCommand(actor, TeamsMentionText.Command(text, mentions),
            new ChatLocation(TeamsInbound.Source, activity.ConversationId, activity.TenantId, implied)), cancellationToken);
        if (reply.OpenDeclareForm)
        {
            reply = ChatReply.Private($"Use Declare incident from the message box's … menu to open the form, or type {ChatMarkup.Command("declare [severity] <title>")}.");
        }

        if (reply.RepeatsChannelPost && implied is { } here && here == reply.IncidentNumber)
        {
            // Teams has no private replies: here the post itself is the confirmation.
            return;
        }

        var answer = TeamsConnectorClient.MarkdownMessage(TeamsMentionText.Reply(reply.Text));
        if (activity.Id is { } id && activity.ConversationType != "personal")
        {
            await connector.ReplyAsync(activity.ServiceUrl, activity.ConversationId, id, answer, cancellationToken);
        }
        else
        {
            await connector.SendAsync(activity.ServiceUrl, activity.ConversationId, answer, cancellationToken);
        }
    }

    /// <summary>Answers a dialog submit or card button; the same answer goes back to Teams when run inline.</summary>
    public async Task<JsonObject> InvokeAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        var actor = TeamsActors.Of(activity);
        var universal = activity.Name == "adaptiveCard/action";
        try
        {
            return universal ? await CardActionAsync(activity, actor, cancellationToken) : await SubmitAsync(activity, actor, cancellationToken);
        }
        catch (IncidentRuleException rule)
        {
            return TeamsCards.InvokeMessage(activity.Name, rule.Message);
        }
    }

    private async Task<JsonObject> SubmitAsync(TeamsActivity activity, Actor actor, CancellationToken cancellationToken)
    {
        var data = TeamsDialogs.Data(activity);
        var command = TeamsDialogs.Str(data, TeamsCards.DataCommand) ?? TeamsActivity.Str(activity.Value, "commandId");
        var payload = TeamsActivity.Obj(activity.Value, "messagePayload");
        if (command == TeamsCards.DeclareCommand)
        {
            var useChannel = TeamsDialogs.Str(data, TeamsCards.Inputs.UseChannel) == "true" && activity.TeamsChannelId is { Length: > 0 } ? activity.TeamsChannelId : null;
            var backfill = useChannel is not null && int.TryParse(TeamsDialogs.Str(data, TeamsCards.Inputs.Backfill), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
                ? minutes
                : 0;
            var declared = await mediator.Send(new DeclareIncident(actor,
                TeamsDialogs.Str(data, TeamsCards.Inputs.Title) ?? string.Empty,
                TeamsDialogs.Str(data, TeamsCards.Inputs.Severity),
                TeamsDialogs.Str(data, TeamsCards.Inputs.Description),
                TeamsDialogs.Str(data, TeamsCards.Inputs.Service),
                TeamsDialogs.Str(data, TeamsCards.Inputs.Private) == "true",
                useChannel,
                backfill), cancellationToken);
            if (payload.ValueKind == JsonValueKind.Object)
            {
                await CaptureAsync(actor, declared.Number, payload, cancellationToken);
            }

            var where = useChannel is null ? "Its card is on its way to the incidents channel." : "Its thread starts in this channel.";
            return TeamsCards.InvokeMessage(activity.Name, $"{declared.Reference} declared ({declared.Severity}): {declared.Title}. {where}");
        }

        if (command == TeamsCards.CaptureCommand)
        {
            var number = int.TryParse(TeamsDialogs.Str(data, TeamsCards.Inputs.Incident), NumberStyles.None, CultureInfo.InvariantCulture, out var chosen)
                ? chosen
                : await TeamsIncidents.ImpliedAsync(mediator, activity.ConversationId, cancellationToken)
                    ?? throw new IncidentRuleException("Choose the incident to add this message to.");
            if (payload.ValueKind != JsonValueKind.Object)
            {
                throw new IncidentRuleException("Use this from a message's … menu: it adds that message to the timeline.");
            }

            var result = await CaptureAsync(actor, number, payload, cancellationToken);
            return TeamsCards.InvokeMessage(activity.Name, result.AlreadyCaptured
                ? $"That message is already in {result.Incident.Reference}'s timeline as #{result.EntryId}."
                : $"Added to {result.Incident.Reference}'s timeline as #{result.EntryId}.");
        }

        if (command == TeamsCards.KeyMomentCommand)
        {
            if (payload.ValueKind != JsonValueKind.Object || await TeamsIncidents.ImpliedAsync(mediator, activity.ConversationId, cancellationToken) is not { } number)
            {
                throw new IncidentRuleException(TeamsIncidents.KeyMomentOutsideIncident);
            }

            var captured = await CaptureAsync(actor, number, payload, cancellationToken);
            return TeamsCards.InvokeMessage(activity.Name, await mediator.Send(new MarkKeyMoment(actor, number, captured.EntryId, Key: true), cancellationToken));
        }

        logger.LogInformation("Teams submit for unknown command {Command}", command);
        return TeamsCards.InvokeMessage(activity.Name, "That form is not one of IncidentBot's.");
    }

    private async Task<JsonObject> CardActionAsync(TeamsActivity activity, Actor actor, CancellationToken cancellationToken)
    {
        var action = TeamsActivity.Obj(activity.Value, "action");
        var verb = TeamsActivity.Str(action, "verb");
        var data = TeamsActivity.Obj(action, "data");
        if (!int.TryParse(TeamsDialogs.Str(data, TeamsCards.DataIncident), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return TeamsCards.UniversalActionError(400, "The card does not say which incident it is about.");
        }

        if (verb == TeamsCards.VerbSnooze)
        {
            var kind = NudgeTexts.KindOf(TeamsDialogs.Str(data, TeamsCards.DataNudge));
            var minutes = int.TryParse(TeamsDialogs.Str(data, TeamsCards.DataMinutes), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
            return kind is null || minutes <= 0
                ? TeamsCards.UniversalActionError(400, "The snooze button does not say which nudge, or for how long.")
                : TeamsCards.UniversalActionMessage(await mediator.Send(new SnoozeNudge(actor, number, kind, TimeSpan.FromMinutes(minutes)), cancellationToken));
        }

        switch (verb)
        {
            case TeamsCards.VerbSetStatus when Enum.TryParse<IncidentStatus>(TeamsDialogs.Str(data, TeamsCards.Inputs.Status), ignoreCase: true, out var status):
                await mediator.Send(new ChangeStatus(actor, number, status), cancellationToken);
                break;
            case TeamsCards.VerbSetSeverity when TeamsDialogs.Str(data, TeamsCards.Inputs.Severity) is { Length: > 0 } severity:
                await mediator.Send(new ChangeSeverity(actor, number, severity), cancellationToken);
                break;
            case TeamsCards.VerbTakeLead:
                await mediator.Send(new AssignRole(actor, number, incidents.Value.LeadRole, actor.PersonKey, actor.DisplayName), cancellationToken);
                break;
            case TeamsCards.VerbResolve:
                var summary = TeamsDialogs.Str(data, TeamsCards.Inputs.Summary);
                if (string.IsNullOrWhiteSpace(summary))
                {
                    return TeamsCards.UniversalActionMessage("Write a short line on what fixed it, then press Resolve.");
                }

                await mediator.Send(new ResolveIncident(actor, number, summary), cancellationToken);
                break;
            case TeamsCards.VerbReopen:
                await mediator.Send(new ReopenIncident(actor, number), cancellationToken);
                break;
            default:
                return TeamsCards.UniversalActionError(400, $"Unknown action '{verb}'.");
        }

        var incident = await mediator.Send(new GetIncident(actor, number), cancellationToken);
        return TeamsCards.UniversalActionCard(TeamsCards.StatusCard(incident, incidents.Value, links.IncidentUrl(number)));
    }

    private Task<AddTimelineEntryResult> CaptureAsync(Actor actor, int number, JsonElement payload, CancellationToken cancellationToken)
    {
        var from = TeamsActivity.Obj(TeamsActivity.Obj(payload, "from"), "user");
        var authorId = TeamsActivity.Str(from, "id");
        var text = TeamsMessages.PlainText(TeamsActivity.Str(TeamsActivity.Obj(payload, "body"), "content"));
        var when = DateTimeOffset.TryParse(TeamsActivity.Str(payload, "createdDateTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        var link = TeamsActivity.Str(payload, "linkToMessage");
        return mediator.Send(new AddTimelineEntry(actor, number, text.Length == 0 ? "(no text)" : text, $"teams:{TeamsActivity.Str(payload, "id")}",
            authorId is null ? null : PersonKey.Create("teams", authorId), TeamsActivity.Str(from, "displayName"), when,
            link is not null && link.StartsWith("https://", StringComparison.Ordinal) ? link : null), cancellationToken);
    }

    /// <summary>Strips the bot's own mention and maps the others (<c>&lt;at&gt;Name&lt;/at&gt;</c>) to people.</summary>
    private async Task<(string Text, Dictionary<string, PersonMention> Mentions)> ReadMentionsAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        var text = activity.Text ?? string.Empty;
        var mentions = new Dictionary<string, PersonMention>(StringComparer.Ordinal);
        if (!activity.Root.TryGetProperty("entities", out var entities) || entities.ValueKind != JsonValueKind.Array)
        {
            return (WebUtility.HtmlDecode(text).Trim(), mentions);
        }

        List<TeamsMember>? members = null;
        foreach (var entity in entities.EnumerateArray().Where(e => TeamsActivity.Str(e, "type") == "mention"))
        {
            var mentioned = TeamsActivity.Obj(entity, "mentioned");
            var id = TeamsActivity.Str(mentioned, "id");
            var mentionText = TeamsActivity.Str(entity, "text");
            if (mentionText is null)
            {
                continue;
            }

            if (id is not null && id == activity.RecipientId)
            {
                text = text.Replace(mentionText, string.Empty, StringComparison.Ordinal);
                continue;
            }

            var aad = TeamsActivity.Str(mentioned, "aadObjectId");
            if (aad is null && id is not null)
            {
                members ??= await connector.MembersAsync(activity.ServiceUrl, activity.ConversationId, cancellationToken);
                aad = members.FirstOrDefault(m => m.Id == id)?.AadObjectId;
            }

            mentions[mentionText] = new PersonMention(PersonKey.Create("teams", aad ?? id ?? "unknown"), TeamsActivity.Str(mentioned, "name"));
        }

        return (WebUtility.HtmlDecode(text).Trim(), mentions);
    }
}
