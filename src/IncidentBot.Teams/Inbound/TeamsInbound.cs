using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using IncidentBot.Teams.Auth;
using IncidentBot.Teams.Cards;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Inbound;

/// <summary>What to answer the Bot Connector: a status and, for invokes, a JSON body.</summary>
public sealed record TeamsAck(int StatusCode, JsonObject? Body = null, string? Reason = null);

/// <summary>
/// One activity in: authenticate it, check that the bot may reply where it asks, remember where it came from, then
/// either store it for the inbox worker (messages) or answer at once (dialogs and card buttons, which Teams waits for,
/// run inline after being stored).
/// </summary>
public sealed class TeamsInbound(
    BotFrameworkTokenValidator validator,
    TeamsServiceUrls serviceUrls,
    IMediator mediator,
    InboxWriter inbox,
    InboxInline inline,
    IOptions<TeamsOptions> teams,
    IOptions<IncidentsOptions> incidents,
    ILogger<TeamsInbound> logger)
{
    public const string Source = "teams";

    public async Task<TeamsAck> HandleAsync(TeamsActivity activity, string? authorization, CancellationToken cancellationToken)
    {
        var auth = await validator.ValidateAsync(authorization, activity.ServiceUrl, activity.ChannelId, activity.TenantId, cancellationToken);
        if (!auth.Succeeded)
        {
            return new TeamsAck(401, Reason: auth.Failure);
        }

        if (!serviceUrls.Allows(activity.ServiceUrl))
        {
            return new TeamsAck(403, Reason: $"serviceUrl {activity.ServiceUrl} is neither loopback nor under Teams:AllowedServiceUrls, " +
                "and without Teams:AppId the bot replies nowhere else");
        }

        if (activity.Type == "message" && activity.Id is not { Length: > 0 })
        {
            // Before anything is stored: a refused activity leaves no trace.
            return new TeamsAck(400, Reason: "message without id");
        }

        if (activity.Type == "message")
        {
            try
            {
                InboxWriter.Check($"activity:{activity.Id}", $"teams:{activity.ConversationId.Split(';')[0]}");
            }
            catch (InputRefusedException refused)
            {
                return new TeamsAck(400, Reason: refused.Message);
            }
        }

        // A personal chat is the person's own conversation with the bot: remembered as theirs, it is where reminders go.
        await mediator.Send(new RememberConversation(Source, activity.ConversationId, activity.ServiceUrl, activity.TenantId, activity.ConversationType,
            activity.TeamId, activity.TeamAadGroupId, activity.TeamsChannelId, activity.ConversationType == "personal" ? activity.PersonKey : null), cancellationToken);
        if (activity.TeamsChannelId is { } channel && activity.ConversationType == "channel" && channel != activity.ConversationId)
        {
            // The channel itself, so the bot can start threads there (announcements, incident threads) later.
            await mediator.Send(new RememberConversation(Source, channel, activity.ServiceUrl, activity.TenantId, "channel",
                activity.TeamId, activity.TeamAadGroupId, channel), cancellationToken);
        }

        switch (activity.Type)
        {
            case "message":
                var id = activity.Id!;
                var conversation = activity.ConversationId.Split(';')[0];
                await inbox.TryAcceptAsync(Source, $"activity:{id}", TeamsDeliveryKinds.Message, activity.Root.GetRawText(), cancellationToken, $"teams:{conversation}");
                return new TeamsAck(200);
            case "invoke":
                return await InvokeAsync(activity, cancellationToken);
            case "conversationUpdate" or "installationUpdate":
                logger.LogInformation("Teams {Type} in {Conversation} (team {Team}); reference stored", activity.Type, activity.ConversationId, activity.TeamId);
                return new TeamsAck(200);
            default:
                return new TeamsAck(200);
        }
    }

    private async Task<TeamsAck> InvokeAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        var actor = TeamsActors.Of(activity);
        switch (activity.Name)
        {
            case "composeExtension/fetchTask" or "task/fetch":
                return new TeamsAck(200, await FetchTaskAsync(activity, actor, cancellationToken));
            case "composeExtension/submitAction" or "task/submit" or "adaptiveCard/action":
                if (activity.Name != "adaptiveCard/action" && TeamsDialogs.Validate(activity, teams.Value) is { } invalid)
                {
                    return new TeamsAck(200, invalid(incidents.Value));
                }

                var id = activity.Id ?? Guid.NewGuid().ToString("N");
                try
                {
                    var run = await inline.RunAsync(Source, $"invoke:{id}", TeamsDeliveryKinds.Invoke, activity.Root.GetRawText(),
                        (services, ct) => services.GetRequiredService<TeamsInboxProcessor>().InvokeAsync(activity, ct), cancellationToken);
                    return new TeamsAck(200, run.Result ?? TeamsCards.InvokeMessage(activity.Name, run.Duplicate ? "Already done." : "Working on it…"));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Teams invoke {Name} will be retried", activity.Name);
                    return new TeamsAck(200, TeamsCards.InvokeMessage(activity.Name, activity.Name == "adaptiveCard/action"
                        ? "Saved; the card updates in a moment."
                        : "Saved; it will be applied in a moment."));
                }

            default:
                logger.LogInformation("Teams invoke {Name} not handled", activity.Name);
                return new TeamsAck(200, []);
        }
    }

    private async Task<JsonObject> FetchTaskAsync(TeamsActivity activity, Actor actor, CancellationToken cancellationToken)
    {
        var commandId = TeamsActivity.Str(activity.Value, "commandId");
        if (commandId == TeamsCards.CaptureCommand)
        {
            var open = (await mediator.Send(new ListOpenIncidents(actor), cancellationToken)).Items;
            return TeamsCards.TaskContinue("Add to incident timeline", TeamsCards.CaptureForm(open));
        }

        if (commandId == TeamsCards.KeyMomentCommand)
        {
            var message = TeamsActivity.Obj(activity.Value, "messagePayload");
            if (message.ValueKind != JsonValueKind.Object || await TeamsIncidents.ImpliedAsync(mediator, activity.ConversationId, cancellationToken) is not { } number)
            {
                return TeamsCards.InvokeMessage(activity.Name, TeamsIncidents.KeyMomentOutsideIncident);
            }

            try
            {
                var incident = await mediator.Send(new GetIncident(actor, number), cancellationToken);
                var excerpt = TeamsMessages.PlainText(TeamsActivity.Str(TeamsActivity.Obj(message, "body"), "content"));
                return TeamsCards.TaskContinue("Mark as key moment", TeamsCards.KeyMomentForm(incident.Summary, excerpt), "small", "medium");
            }
            catch (IncidentRuleException rule)
            {
                return TeamsCards.InvokeMessage(activity.Name, rule.Message);
            }
        }

        var prefill = TeamsMessages.PlainText(TeamsActivity.Str(TeamsActivity.Obj(TeamsActivity.Obj(activity.Value, "messagePayload"), "body"), "content"));
        return TeamsCards.TaskContinue("Declare an incident", TeamsCards.DeclareForm(incidents.Value, prefill, offerThisChannel: await ConvertibleAsync(activity, cancellationToken)),
            "large", "medium");
    }

    /// <summary>A team channel that could become an incident's home: not the incidents channel, and no incident's already.</summary>
    private async Task<bool> ConvertibleAsync(TeamsActivity activity, CancellationToken cancellationToken) =>
        activity.ConversationType == "channel" && activity.TeamsChannelId is { Length: > 0 } channel && channel != teams.Value.IncidentsChannelId
        && await mediator.Send(new FindIncidentByChannel(Source, channel), cancellationToken) is null;
}

public static class TeamsDeliveryKinds
{
    public const string Message = "message";
    public const string Invoke = "invoke";
}
