using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Teams.Cards;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Outbound;

/// <summary>
/// Carries the core's intents out on Teams: a channel per incident (Graph) or a thread in the incidents channel, the
/// status card kept current in place, the announcement, posts. Needs a conversation reference for the incidents
/// channel (learned when the bot is added to the team), because Teams only lets a bot post where it was invited.
/// Every post goes through <see cref="TeamsSendOnce"/>, so a run of an intent that already posted does not post again.
/// </summary>
public sealed class TeamsOutboxExecutor(IServiceScopeFactory scopes, IOptions<TeamsOptions> teams, IOptions<IncidentsOptions> incidents,
    IOptions<ReviewsOptions> reviews, IIncidentLinks links, ILogger<TeamsOutboxExecutor> logger) : IOutboxExecutor
{
    public const string Platform = "teams";
    private const string CardKind = "card";
    private const string AnnouncementKind = "announcement";

    private static readonly HashSet<Type> Handled =
        [typeof(EnsureIncidentChannel), typeof(RefreshStatusCard), typeof(AnnounceIncident), typeof(PostToIncident), typeof(SendNudge), typeof(BriefRole),
            typeof(AdoptIncidentChannel)];

    public string Name => Platform;

    public bool Handles(Type intentType) =>
        (!string.IsNullOrWhiteSpace(teams.Value.IncidentsChannelId) && Handled.Contains(intentType))
        || (intentType == typeof(PostToReviewsChannel) && !string.IsNullOrWhiteSpace(reviews.Value.TeamsChannelId))
        || (intentType == typeof(RemindPerson) && (teams.Value.Authenticated || !string.IsNullOrWhiteSpace(teams.Value.IncidentsChannelId)));

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var connector = scope.ServiceProvider.GetRequiredService<TeamsConnectorClient>();
        var once = new TeamsSendOnce(mediator, logger);
        try
        {
            return intent switch
            {
                EnsureIncidentChannel i => await EnsureChannelAsync(mediator, connector, once, scope.ServiceProvider, i.IncidentId, intentId, cancellationToken),
                RefreshStatusCard i => await RefreshCardAsync(mediator, connector, i.IncidentId, cancellationToken),
                AnnounceIncident i => await AnnounceAsync(mediator, connector, once, i, intentId, cancellationToken),
                PostToIncident i => await PostAsync(mediator, connector, once, i, intentId, cancellationToken),
                PostToReviewsChannel i => await PostToReviewsAsync(mediator, connector, once, i, intentId, cancellationToken),
                SendNudge i => await NudgeAsync(mediator, connector, once, i, intentId, cancellationToken),
                BriefRole i => await BriefAsync(mediator, connector, once, i, intentId, cancellationToken),
                AdoptIncidentChannel i => await AdoptChannelAsync(mediator, connector, once, scope.ServiceProvider, i, intentId, cancellationToken),
                RemindPerson i => await RemindAsync(mediator, connector, once, scope.ServiceProvider.GetRequiredService<IPeopleStore>(), i, intentId, cancellationToken),
                _ => "not a Teams intent",
            };
        }
        catch (TeamsRateLimitedException limited)
        {
            throw new OutboxRetryException(limited.Message, limited.RetryAfter, limited);
        }
    }

    private async Task<string> EnsureChannelAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, IServiceProvider services, long incidentId,
        long intentId, CancellationToken ct)
    {
        var incident = await mediator.Send(new ReadIncident(incidentId), ct);
        if (incident.Channels.FirstOrDefault(c => c.Platform == Platform) is { } existing)
        {
            return $"channel {existing.ChannelId} exists";
        }

        var s = incident.Summary;
        var o = teams.Value;
        if (s.IsPrivate && !o.GraphConfigured)
        {
            return "private incident and no Graph: kept out of Teams";
        }

        var home = await IncidentsChannelAsync(mediator, ct);
        var card = TeamsConnectorClient.CardMessage(TeamsCards.StatusCard(incident, incidents.Value, links.IncidentUrl(s.Number)));
        var cardMark = $"{intentId}:card";
        if (s.IsPrivate)
        {
            return await PrivateChatAsync(mediator, connector, once, services.GetRequiredService<TeamsGraphClient>(), incident, home, card, cardMark, ct);
        }

        string? fallbackReason = null;
        if (o.GraphConfigured && !s.IsPrivate && o.IncidentsTeamId is { Length: > 0 } team)
        {
            var graph = services.GetRequiredService<TeamsGraphClient>();
            try
            {
                var channelId = await graph.CreateChannelAsync(team, TeamsGraphClient.ChannelName(s.Number, s.Title), $"{s.Reference} · {s.Severity} · managed by IncidentBot", ct);
                var (thread, cardId) = await once.SendAsync(incidentId, cardMark, channelId,
                    () => connector.CreateThreadAsync(home.ServiceUrl, channelId, home.TenantId, card, ct), ct);
                await mediator.Send(new LinkIncidentChannel(incidentId, Platform, channelId, TeamsGraphClient.ChannelName(s.Number, s.Title), home.TenantId), ct);
                await mediator.Send(new SaveIncidentMessage(incidentId, Platform, CardKind, thread, cardId), ct);
                return $"channel {channelId}";
            }
            catch (TeamsApiException refused) when ((int)refused.Status is >= 400 and < 500 && refused.Status != System.Net.HttpStatusCode.TooManyRequests)
            {
                fallbackReason = $"Microsoft Graph would not create a channel ({refused.Code ?? ((int)refused.Status).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {refused.Message})";
                logger.LogWarning("INC-{Number}: {Reason}; using a thread in the incidents channel instead", s.Number, fallbackReason);
            }
        }

        var (conversation, activityId) = await once.SendAsync(incidentId, cardMark, o.IncidentsChannelId!,
            () => connector.CreateThreadAsync(home.ServiceUrl, o.IncidentsChannelId!, home.TenantId, card, ct), ct);
        await mediator.Send(new LinkIncidentChannel(incidentId, Platform, conversation, $"{s.Reference} thread", home.TenantId), ct);
        await mediator.Send(new SaveIncidentMessage(incidentId, Platform, CardKind, conversation, activityId), ct);
        if (fallbackReason is not null)
        {
            var note = TeamsConnectorClient.PlainMessage($"{fallbackReason}. This thread is the incident's home instead: reply here with @IncidentBot commands.");
            await once.SendAsync(incidentId, $"{intentId}:fallback-note", conversation,
                async () => (conversation, await connector.ReplyAsync(home.ServiceUrl, conversation, activityId, note, ct)), ct);
        }

        return $"thread {conversation}";
    }

    /// <summary>
    /// A private incident never goes to the shared incidents channel: it gets a group chat of its members (Graph), and
    /// the card is posted there when Teams lets the bot in.
    /// </summary>
    private async Task<string> PrivateChatAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, TeamsGraphClient graph, IncidentDetails incident,
        ConversationReference home, System.Text.Json.Nodes.JsonObject card, string cardMark, CancellationToken ct)
    {
        var s = incident.Summary;
        var members = incident.Members.Select(m => m.Key).Where(k => k.StartsWith("teams:", StringComparison.Ordinal)).Select(k => k["teams:".Length..])
            .Where(id => Guid.TryParse(id, out _)).ToList();
        if (members.Count == 0)
        {
            return "private incident without Teams members: nothing to create in Teams";
        }

        var chatId = await graph.CreateGroupChatAsync(TeamsGraphClient.ChannelName(s.Number, s.Title), members, ct);
        await mediator.Send(new LinkIncidentChannel(incident.Summary.Id, Platform, chatId, $"{s.Reference} private chat", home.TenantId), ct);
        try
        {
            var (_, cardId) = await once.SendAsync(incident.Summary.Id, cardMark, chatId,
                async () => (chatId, await connector.SendAsync(home.ServiceUrl, chatId, card, ct)), ct);
            await mediator.Send(new SaveIncidentMessage(incident.Summary.Id, Platform, CardKind, chatId, cardId), ct);
            return $"private chat {chatId}";
        }
        catch (TeamsApiException refused) when (refused.Status is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            logger.LogWarning("INC-{Number}: private chat {Chat} created, but Teams would not let the bot post its card there ({Status}); add the app to the chat", s.Number, chatId, (int)refused.Status);
            return $"private chat {chatId} (no card: {(int)refused.Status})";
        }
    }

    private async Task<string> RefreshCardAsync(IMediator mediator, TeamsConnectorClient connector, long incidentId, CancellationToken ct)
    {
        var card = await mediator.Send(new GetIncidentMessage(incidentId, Platform, CardKind), ct);
        if (card is null)
        {
            return "no Teams card";
        }

        var incident = await mediator.Send(new ReadIncident(incidentId), ct);
        var home = await IncidentsChannelAsync(mediator, ct);
        await connector.UpdateAsync(home.ServiceUrl, card.ConversationId, card.MessageId,
            TeamsConnectorClient.CardMessage(TeamsCards.StatusCard(incident, incidents.Value, links.IncidentUrl(incident.Summary.Number))), ct);
        return "card updated";
    }

    private async Task<string> AnnounceAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, AnnounceIncident intent, long intentId, CancellationToken ct)
    {
        var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
        var channel = incident.Channels.FirstOrDefault(c => c.Platform == Platform);
        if (incident.Summary.IsPrivate)
        {
            return "private: not announced in the incidents channel";
        }

        if (channel is null || channel.ChannelId.StartsWith(teams.Value.IncidentsChannelId + ";", StringComparison.Ordinal))
        {
            // Without a channel of its own the incident's card is already a thread in the incidents channel.
            return "announced by the incident's own thread";
        }

        var home = await IncidentsChannelAsync(mediator, ct);
        var text = TeamsConnectorClient.PlainMessage(IncidentTexts.Announcement(intent.Describe(incident.Summary), intent.Kind, intent.Text));
        var mark = $"{intentId}:announcement";
        var existing = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, AnnouncementKind), ct);
        if (existing is null)
        {
            var incidentsChannel = teams.Value.IncidentsChannelId!;
            var (conversation, activityId) = await once.SendAsync(intent.IncidentId, mark, incidentsChannel,
                () => connector.CreateThreadAsync(home.ServiceUrl, incidentsChannel, home.TenantId, text, ct), ct);
            await mediator.Send(new SaveIncidentMessage(intent.IncidentId, Platform, AnnouncementKind, conversation, activityId), ct);
            return "announced";
        }

        await once.SendAsync(intent.IncidentId, mark, existing.ConversationId,
            async () => (existing.ConversationId, await connector.ReplyAsync(home.ServiceUrl, existing.ConversationId, existing.MessageId, text, ct)), ct);
        return "announcement updated";
    }

    private async Task<string> PostAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, PostToIncident intent, long intentId, CancellationToken ct)
    {
        var card = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, CardKind), ct);
        if (card is null)
        {
            return "no Teams conversation";
        }

        var home = await IncidentsChannelAsync(mediator, ct);
        var (_, activityId) = await once.SendAsync(intent.IncidentId, $"{intentId}:post", card.ConversationId,
            async () => (card.ConversationId, await connector.ReplyAsync(home.ServiceUrl, card.ConversationId, card.MessageId, TeamsConnectorClient.PlainMessage(intent.Text), ct)), ct);
        return $"posted {activityId}";
    }

    /// <summary>
    /// A nudge as a card with snooze buttons, replying to the incident's card. Teams has no message only one person sees
    /// in a channel, so a reminder to the commander is a reply in the incident's conversation like any other; one to a
    /// person of another platform is left to that platform.
    /// </summary>
    private async Task<string> NudgeAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, SendNudge intent, long intentId, CancellationToken ct)
    {
        if (intent.PersonKey is { } person && !person.StartsWith(Platform + ":", StringComparison.Ordinal))
        {
            return "not a Teams user: reminded on their platform";
        }

        var card = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, CardKind), ct);
        if (card is null)
        {
            return "no Teams conversation";
        }

        var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
        var text = intent.PersonKey is { } key && NameOf(incident, key) is { } name ? $"{name}: {intent.Text}" : intent.Text;
        var home = await IncidentsChannelAsync(mediator, ct);
        var message = TeamsConnectorClient.CardMessage(TeamsCards.NudgeCard(incident.Summary.Number, intent.Kind, text));
        await once.SendAsync(intent.IncidentId, $"{intentId}:nudge", card.ConversationId,
            async () => (card.ConversationId, await connector.ReplyAsync(home.ServiceUrl, card.ConversationId, card.MessageId, message, ct)), ct);
        return "nudged";
    }

    /// <summary>The role's briefing, as a reply addressed to its new holder in the incident's conversation (see <see cref="NudgeAsync"/>).</summary>
    private async Task<string> BriefAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, BriefRole intent, long intentId, CancellationToken ct)
    {
        if (!intent.PersonKey.StartsWith(Platform + ":", StringComparison.Ordinal))
        {
            return "not a Teams user: briefed on their platform";
        }

        var card = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, CardKind), ct);
        if (card is null)
        {
            return "no Teams conversation";
        }

        var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
        var text = NameOf(incident, intent.PersonKey) is { } name ? $"{name}: {intent.Text}" : intent.Text;
        var home = await IncidentsChannelAsync(mediator, ct);
        await once.SendAsync(intent.IncidentId, $"{intentId}:briefing", card.ConversationId,
            async () => (card.ConversationId, await connector.ReplyAsync(home.ServiceUrl, card.ConversationId, card.MessageId,
                TeamsConnectorClient.MarkdownMessage(Inbound.TeamsMentionText.Reply(text)), ct)), ct);
        return "briefed";
    }

    /// <summary>
    /// The incident was declared in a team channel that is to be its home: its card starts a thread there (instead of in
    /// the incidents channel), and the channel's messages of the minutes before the declare are copied into the timeline
    /// when Graph lets the bot read them (resource-specific consent <c>ChannelMessage.Read.Group</c>). When it cannot, the
    /// thread says why and the incident goes on without them.
    /// </summary>
    private async Task<string> AdoptChannelAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, IServiceProvider services,
        AdoptIncidentChannel intent, long intentId, CancellationToken ct)
    {
        if (intent.Platform != Platform)
        {
            return "declared on another platform";
        }

        var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
        var s = incident.Summary;
        var home = await IncidentsChannelAsync(mediator, ct);
        var existing = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, CardKind), ct);
        string thread;
        string cardId;
        if (existing is not null)
        {
            (thread, cardId) = (existing.ConversationId, existing.MessageId);
        }
        else
        {
            var card = TeamsConnectorClient.CardMessage(TeamsCards.StatusCard(incident, incidents.Value, links.IncidentUrl(s.Number)));
            (thread, cardId) = await once.SendAsync(intent.IncidentId, $"{intentId}:card", intent.ChannelId,
                () => connector.CreateThreadAsync(home.ServiceUrl, intent.ChannelId, home.TenantId, card, ct), ct);
            await mediator.Send(new LinkIncidentChannel(intent.IncidentId, Platform, thread, $"{s.Reference} thread", home.TenantId), ct);
            await mediator.Send(new SaveIncidentMessage(intent.IncidentId, Platform, CardKind, thread, cardId), ct);
        }

        if (intent.BackfillMinutes <= 0)
        {
            return $"thread {thread}";
        }

        var (copied, reason) = await BackfillAsync(mediator, services, intent, s.DeclaredAt, ct);
        if (reason is not null)
        {
            logger.LogInformation("INC-{Number}: no backfill from {Channel}: {Reason}", s.Number, intent.ChannelId, reason);
            var note = TeamsConnectorClient.PlainMessage($"{s.Reference} starts without this channel's earlier messages: {reason}.");
            await once.SendAsync(intent.IncidentId, $"{intentId}:no-backfill", thread,
                async () => (thread, await connector.ReplyAsync(home.ServiceUrl, thread, cardId, note, ct)), ct);
            return $"thread {thread}; no backfill: {reason}";
        }

        return $"thread {thread}; {copied} message(s) copied into the timeline";
    }

    /// <summary>Copies the channel's messages of the chosen minutes; or says why it cannot.</summary>
    private async Task<(int Copied, string? Reason)> BackfillAsync(IMediator mediator, IServiceProvider services, AdoptIncidentChannel intent, DateTime declaredAt, CancellationToken ct)
    {
        if (!teams.Value.GraphConfigured)
        {
            return (0, "reading a channel's messages needs Microsoft Graph (Teams:Graph), which is not configured");
        }

        // Graph names a team by its Entra group id, which Teams sends with some activities only (the bot joining the team).
        var known = await mediator.Send(new FindConversations(Platform, ChannelId: intent.ChannelId), ct);
        var team = known.Select(r => r.TeamAadGroupId).FirstOrDefault(t => t is { Length: > 0 });
        if (team is null && known.Select(r => r.TeamId).FirstOrDefault(t => t is { Length: > 0 }) is { } teamId)
        {
            team = (await mediator.Send(new FindConversations(Platform, TenantId: known[0].TenantId), ct))
                .Where(r => r.TeamId == teamId).Select(r => r.TeamAadGroupId).FirstOrDefault(t => t is { Length: > 0 });
        }

        if (team is null)
        {
            return (0, "the bot does not know which team this channel belongs to yet");
        }

        var declared = new DateTimeOffset(DateTime.SpecifyKind(declaredAt, DateTimeKind.Utc));
        IReadOnlyList<TeamsGraphClient.ChannelMessage> messages;
        try
        {
            messages = await services.GetRequiredService<TeamsGraphClient>().ChannelMessagesAsync(team, intent.ChannelId,
                declared - TimeSpan.FromMinutes(intent.BackfillMinutes), declared, ct);
        }
        catch (TeamsApiException refused) when (refused.Status is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized)
        {
            return (0, "Teams did not let the bot read this channel's messages; the app needs the resource-specific permission "
                + "ChannelMessage.Read.Group, which a team owner grants when adding it to the team");
        }

        var imported = messages.Select(m => new Core.Features.Timeline.ImportedMessage(
            $"teams:{m.Id}", Core.Domain.PersonKey.Create(Platform, m.UserId), m.UserName, Inbound.TeamsMessages.PlainText(m.Html), m.CreatedAt.UtcDateTime,
            m.WebUrl is { } url && url.StartsWith("https://", StringComparison.Ordinal) ? url : null)).ToList();
        return (await mediator.Send(new Core.Features.Timeline.ImportChannelHistory(intent.IncidentId, imported), ct), null);
    }

    /// <summary>
    /// A message to one person in their personal chat with the bot: the one they wrote to the bot in, or the one opened
    /// for an earlier reminder; otherwise it is opened now (<see cref="TeamsConnectorClient.OpenPersonalChatAsync"/>) in
    /// the tenant the person was seen in, through a service URL of that tenant, and remembered, so the next reminder is one
    /// call. Someone the bot cannot reach (never seen on Teams, or Teams refuses: the app is not installed for them) is
    /// not retried: the outcome and the log say why. The post itself is at least once like every Teams post (ADR 7).
    /// </summary>
    private async Task<string> RemindAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, IPeopleStore people,
        RemindPerson intent, long intentId, CancellationToken ct)
    {
        if (!PersonKey.TryParse(intent.PersonKey, out var platform, out var memberId) || platform != Platform)
        {
            return $"{intent.PersonKey} is not a Teams user: not reminded on Teams";
        }

        var chat = await mediator.Send(new FindPersonalConversation(Platform, intent.PersonKey), ct);
        if (chat is null)
        {
            var tenant = (await people.FindByNameAsync(Platform, memberId, 5, ct)).FirstOrDefault(p => p.Key == intent.PersonKey)?.TenantId;
            var known = tenant is null ? [] : await mediator.Send(new FindConversations(Platform, TenantId: tenant), ct);
            var serviceUrl = known.Count > 0 ? known[0].ServiceUrl : null;
            if (tenant is null || serviceUrl is null)
            {
                var why = tenant is null ? "the bot never saw them on Teams (no tenant known)" : $"the bot knows no conversation in their tenant {tenant}";
                logger.LogWarning("Reminder to {Person} not sent: {Reason}", intent.PersonKey, why);
                return $"not reminded: {why}";
            }

            try
            {
                var opened = await connector.OpenPersonalChatAsync(serviceUrl, memberId, tenant, ct);
                await mediator.Send(new RememberConversation(Platform, opened, serviceUrl, tenant, "personal", null, null, null, intent.PersonKey), ct);
                chat = new ConversationReference { Platform = Platform, ConversationId = opened, ServiceUrl = serviceUrl, TenantId = tenant, PersonKey = intent.PersonKey };
            }
            catch (TeamsApiException refused) when (Refused(refused))
            {
                logger.LogWarning("Reminder to {Person} not sent: Teams would not open a personal chat ({Status} {Code}); the app must be installed for them or in a team they are in",
                    intent.PersonKey, (int)refused.Status, refused.Code);
                return $"not reminded: Teams would not open a personal chat ({(int)refused.Status} {refused.Code})".TrimEnd();
            }
        }

        try
        {
            var (_, activityId) = await once.SendAsync(0, $"{intentId}:reminder", chat.ConversationId,
                async () => (chat.ConversationId, await connector.SendAsync(chat.ServiceUrl, chat.ConversationId, TeamsConnectorClient.PlainMessage(intent.Text), ct)), ct);
            return $"reminded in {chat.ConversationId} ({activityId})";
        }
        catch (TeamsApiException refused) when (Refused(refused))
        {
            logger.LogWarning("Reminder to {Person} not sent: Teams refused the message in their personal chat ({Status} {Code}); they may have removed the app",
                intent.PersonKey, (int)refused.Status, refused.Code);
            return $"not reminded: Teams refused the message ({(int)refused.Status} {refused.Code})".TrimEnd();
        }

        // A refusal about the person is an answer: the same request tomorrow may work (the app installed meanwhile), again
        // now will not. A 401 is about the bot's own credentials: it fails the intent, to be retried and parked for an admin.
        static bool Refused(TeamsApiException e) => (int)e.Status is >= 400 and < 500 && e.Status != System.Net.HttpStatusCode.Unauthorized;
    }

    private static string? NameOf(IncidentDetails incident, string personKey) => incident.Members.FirstOrDefault(m => m.Key == personKey)?.Name;

    private async Task<string> PostToReviewsAsync(IMediator mediator, TeamsConnectorClient connector, TeamsSendOnce once, PostToReviewsChannel intent, long intentId, CancellationToken ct)
    {
        var channel = reviews.Value.TeamsChannelId!;
        var found = await mediator.Send(new FindConversations(Platform, ChannelId: channel), ct);
        if (found.Count == 0)
        {
            throw new InvalidOperationException($"IncidentBot has not heard from Reviews:TeamsChannelId ({channel}) yet: add the bot to that team.");
        }

        await once.SendAsync(intent.IncidentId, $"{intentId}:review", channel,
            () => connector.CreateThreadAsync(found[0].ServiceUrl, channel, found[0].TenantId, TeamsConnectorClient.PlainMessage(intent.Text), ct), ct);
        return "posted to the review channel";
    }

    /// <summary>The stored reference of the incidents channel: where the service URL and tenant come from.</summary>
    private async Task<ConversationReference> IncidentsChannelAsync(IMediator mediator, CancellationToken ct)
    {
        var channel = teams.Value.IncidentsChannelId!;
        var found = await mediator.Send(new FindConversations(Platform, ChannelId: channel), ct);
        return found.Count > 0
            ? found[0]
            : throw new InvalidOperationException($"IncidentBot has not heard from Teams:IncidentsChannelId ({channel}) yet: add the bot to that team, or mention it once in the channel.");
    }
}
