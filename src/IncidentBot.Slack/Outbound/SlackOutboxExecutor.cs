using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Blocks;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Outbound;

/// <summary>
/// Carries the core's intents out on Slack. Each step first checks what it already did (a stored channel, card or
/// announcement), so running an intent again after a crash repeats nothing. Posts and bookmarks go through
/// <see cref="SlackSendOnce"/>: one that may have reached Slack is looked for before it is sent again.
/// </summary>
public sealed class SlackOutboxExecutor(IServiceScopeFactory scopes, IOptions<SlackOptions> slack, IOptions<IncidentsOptions> incidents,
    IOptions<ReviewsOptions> reviews, IIncidentLinks links, TimeProvider clock, ILogger<SlackOutboxExecutor> logger) : IOutboxExecutor
{
    public const string Platform = "slack";
    private const string CardKind = "card";
    private const string AnnouncementKind = "announcement";
    private const string TopicKind = "topic";
    private const string ChannelNameKind = "channel-name";
    private const string BookmarkKind = "bookmark";

    /// <summary>What a reminder whose ephemeral post is in doubt is recorded as: shown (it cannot be looked for).</summary>
    private const string EphemeralInDoubt = "ephemeral";

    /// <summary>What a direct message to one person whose post is in doubt is recorded as: shown (it cannot be looked for).</summary>
    private const string DirectInDoubt = "direct";

    private static readonly HashSet<Type> Handled =
    [
        typeof(EnsureIncidentChannel), typeof(InviteToIncident), typeof(RefreshStatusCard), typeof(AnnounceIncident),
        typeof(PostToIncident), typeof(CloseIncidentChannel), typeof(PostToReviewsChannel), typeof(SendNudge), typeof(BriefRole),
        typeof(AdoptIncidentChannel), typeof(RemindPerson),
    ];

    public string Name => Platform;

    internal SlackOptions Slack => slack.Value;

    internal IncidentsOptions Incidents => incidents.Value;

    internal IIncidentLinks Links => links;

    internal TimeProvider Clock => clock;

    internal ILogger Logger => logger;

    public bool Handles(Type intentType) => Handled.Contains(intentType);

    /// <summary>The archive waits <c>Slack:ArchiveAfter</c> as work due later, so it holds up nothing due now.</summary>
    public TimeSpan DelayOf(IOutboxIntent intent) => intent is CloseIncidentChannel ? Slack.ArchiveAfter ?? TimeSpan.Zero : TimeSpan.Zero;

    /// <summary>Closing again (after a reopen) reschedules the one pending archive instead of adding another.</summary>
    public string? UniqueKeyOf(IOutboxIntent intent) => intent is CloseIncidentChannel close ? $"archive:{close.IncidentId}" : null;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var run = new Run(mediator, scope.ServiceProvider.GetRequiredService<SlackApiClient>(), new SlackSendOnce(mediator, logger), intentId, this);
        try
        {
            return intent switch
            {
                EnsureIncidentChannel i => await run.EnsureChannelAsync(i.IncidentId, cancellationToken),
                InviteToIncident i => await run.InviteAsync(i.IncidentId, i.PersonKeys, cancellationToken),
                RefreshStatusCard i => await run.RefreshCardAsync(i.IncidentId, cancellationToken),
                AnnounceIncident i => await run.AnnounceAsync(i, cancellationToken),
                PostToIncident i => await run.PostAsync(i, cancellationToken),
                CloseIncidentChannel i => await run.CloseAsync(i.IncidentId, cancellationToken),
                PostToReviewsChannel i => reviews.Value.SlackChannel is { Length: > 0 } channel
                    ? await run.PostToChannelAsync(i.IncidentId, channel, i.Text, cancellationToken)
                    : "no Reviews:SlackChannel",
                SendNudge i => await run.NudgeAsync(i, cancellationToken),
                BriefRole i => await run.BriefAsync(i, cancellationToken),
                AdoptIncidentChannel i => await run.AdoptChannelAsync(i, cancellationToken),
                RemindPerson i => await run.PostToPersonAsync(i, cancellationToken),
                _ => "not a Slack intent",
            };
        }
        catch (SlackRateLimitedException limited)
        {
            throw new OutboxRetryException(limited.Message, limited.RetryAfter, limited);
        }
    }

    /// <summary>The marker in an incident channel's purpose that says the channel is ours.</summary>
    public static string Marker(int number) => $"[IncidentBot INC-{number}]";

    private sealed class Run(IMediator mediator, SlackApiClient api, SlackSendOnce once, long intentId, SlackOutboxExecutor owner)
    {
        private SlackOptions Slack => owner.Slack;

        public async Task<string> EnsureChannelAsync(long incidentId, CancellationToken ct)
        {
            var incident = await mediator.Send(new ReadIncident(incidentId), ct);
            if (incident.Channels.FirstOrDefault(c => c.Platform == Platform) is { } existing)
            {
                // Made on an earlier run that stopped before (or while) bookmarking it.
                await BookmarkAsync(incidentId, incident.Summary.Number, existing.ChannelId, ct);
                return $"channel {existing.ChannelId} exists";
            }

            var s = incident.Summary;
            var marker = Marker(s.Number);
            var reserved = (await mediator.Send(new GetIncidentMessage(incidentId, Platform, ChannelNameKind), ct))?.MessageId;
            for (var attempt = 1; attempt <= 20; attempt++)
            {
                var name = SlackChannelNames.For(s.Number, s.Title, attempt);

                // The name is written down before the channel is made: a replay after a crash between the two finds
                // the name taken, sees it is ours, and adopts the channel instead of making "-2".
                if (reserved != name)
                {
                    await mediator.Send(new SaveIncidentMessage(incidentId, Platform, ChannelNameKind, string.Empty, name), ct);
                    reserved = name;
                }

                SlackChannel channel;
                try
                {
                    channel = await api.CreateConversationAsync(name, s.IsPrivate, ct);
                }
                catch (SlackApiException e) when (e.Error == "name_taken")
                {
                    var found = await api.FindConversationByNameAsync(name, ct);
                    var ours = found is not null && (found.Purpose?.Contains(marker, StringComparison.Ordinal) == true
                        || (reserved == name && string.IsNullOrEmpty(found.Purpose)));
                    if (!ours)
                    {
                        owner.Logger.LogInformation("Slack channel name {Name} is taken by another channel; trying the next", name);
                        continue;
                    }

                    owner.Logger.LogInformation("Adopting Slack channel {Channel} ({Name}) made for INC-{Number} before a restart", found!.Id, name, s.Number);
                    channel = found;
                }

                // The purpose and the bookmark do not depend on each other: together they cost one Slack round trip
                // before the card instead of two. The channel is linked only after both, so a linked channel always
                // carries its marker; a run cut short before the link adopts the channel again (by the marker, or by
                // its reserved name while the purpose is still empty) and finds its bookmark already recorded.
                await Task.WhenAll(
                    api.SetPurposeAsync(channel.Id, $"INC-{s.Number} · {SlackText.Escape(s.Title)} {marker}", ct),
                    BookmarkAsync(incidentId, s.Number, channel.Id, ct));
                await mediator.Send(new LinkIncidentChannel(incidentId, Platform, channel.Id, channel.Name, null), ct);
                return $"channel {channel.Id} #{channel.Name}";
            }

            throw new InvalidOperationException($"No free Slack channel name for INC-{s.Number}.");
        }

        public async Task<string> InviteAsync(long incidentId, IReadOnlyList<string> people, CancellationToken ct)
        {
            var channel = await ChannelAsync(incidentId, ct);
            if (channel is null)
            {
                return "no Slack channel";
            }

            var users = people.Where(p => p.StartsWith("slack:", StringComparison.Ordinal)).Select(p => p["slack:".Length..]).ToList();
            await api.InviteAsync(channel, users, ct);
            return $"invited {users.Count}";
        }

        public async Task<string> RefreshCardAsync(long incidentId, CancellationToken ct)
        {
            var incident = await mediator.Send(new ReadIncident(incidentId), ct);
            if (ChannelOf(incident) is not { } channel)
            {
                return "no Slack channel";
            }

            var s = incident.Summary;
            var blocks = SlackViews.StatusCard(incident, owner.Incidents, owner.Links.IncidentUrl(s.Number));
            var text = SlackText.Escape(SlackViews.StatusCardText(s));
            var card = await mediator.Send(new GetIncidentMessage(incidentId, Platform, CardKind), ct);
            if (card is null)
            {
                // One card per incident, whichever refresh posts it: a later refresh finds the earlier one's attempt. Pinned
                // before it is recorded as the card, so a run cut short in between pins it on the next (a second pin is
                // already_pinned).
                var ts = await PostOnceAsync(incidentId, SlackPostMark.OfIncident(incidentId, CardKind, intentId), channel, text, blocks, null, ct);
                await TryAsync(() => api.PinAsync(channel, ts, ct), "pin");
                await mediator.Send(new SaveIncidentMessage(incidentId, Platform, CardKind, channel, ts), ct);
            }
            else
            {
                await api.UpdateMessageAsync(card.ConversationId, card.MessageId, text, blocks, ct);
            }

            var lead = s.Lead is null ? $"no {s.LeadRole} yet" : $"{s.LeadRole}: {s.Lead.Name}";
            var topic = $"{s.Severity} · {s.Status.ToWord()} · {lead}";
            var lastTopic = await mediator.Send(new GetIncidentMessage(incidentId, Platform, TopicKind), ct);
            if (lastTopic?.MessageId != topic)
            {
                await api.SetTopicAsync(channel, SlackText.Escape(topic), ct);
                await mediator.Send(new SaveIncidentMessage(incidentId, Platform, TopicKind, channel, topic), ct);
            }

            return card is null ? "card posted" : "card updated";
        }

        public async Task<string> AnnounceAsync(AnnounceIncident intent, CancellationToken ct)
        {
            if (Slack.AnnouncementsChannel is not { Length: > 0 } announcements)
            {
                return "no announcements channel";
            }

            var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
            var s = incident.Summary;
            var headline = SlackText.Escape(IncidentTexts.Announcement(s, Core.Outbox.AnnouncementKind.Declared, null)
                .Replace("Declared ", string.Empty, StringComparison.Ordinal)) + $" · *{SlackText.Escape(s.Status.ToWord())}*";
            if (!s.IsPrivate && ChannelOf(incident) is { } channel)
            {
                headline += $" · <#{channel}>";
            }

            var existing = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, AnnouncementKind), ct);
            if (existing is null)
            {
                var ts = await PostOnceAsync(intent.IncidentId, SlackPostMark.OfIncident(intent.IncidentId, AnnouncementKind, intentId), announcements, headline, null, null, ct);
                await mediator.Send(new SaveIncidentMessage(intent.IncidentId, Platform, AnnouncementKind, announcements, ts), ct);
                existing = await mediator.Send(new GetIncidentMessage(intent.IncidentId, Platform, AnnouncementKind), ct);
            }
            else
            {
                await api.UpdateMessageAsync(existing.ConversationId, existing.MessageId, headline, null, ct);
            }

            if (intent.Kind != Core.Outbox.AnnouncementKind.Declared)
            {
                var line = SlackText.Escape(IncidentTexts.Announcement(intent.Describe(s), intent.Kind, intent.Text));
                await PostOnceAsync(intent.IncidentId, SlackPostMark.OfIntent(intentId, "thread-line"), existing!.ConversationId, line, null, existing.MessageId, ct);
            }

            return "announced";
        }

        public async Task<string> PostAsync(PostToIncident intent, CancellationToken ct)
        {
            var channel = await ChannelAsync(intent.IncidentId, ct);
            if (channel is null)
            {
                return "no Slack channel";
            }

            await PostOnceAsync(intent.IncidentId, SlackPostMark.OfIntent(intentId, "post"), channel, SlackText.Escape(intent.Text), null, null, ct);
            return "posted";
        }

        public async Task<string> PostToChannelAsync(long incidentId, string channel, string text, CancellationToken ct)
        {
            await PostOnceAsync(incidentId, SlackPostMark.OfIntent(intentId, "review"), channel, SlackText.Escape(text), null, null, ct);
            return "posted to the review channel";
        }

        /// <summary>
        /// A message to one person in their direct messages with the app: <c>chat.postMessage</c> with the user id as the
        /// channel posts to the user's App Home messages, which <c>chat:write</c> allows (opening the DM first with
        /// <c>conversations.open</c> would need <c>im:write</c>). Reading a DM back needs <c>im:history</c>, which the app does
        /// not ask for, so a post in doubt cannot be looked for: like a reminder in a channel it counts as shown, since the
        /// next one follows the next day (ADR 9).
        /// </summary>
        public async Task<string> PostToPersonAsync(RemindPerson intent, CancellationToken ct)
        {
            if (SlackUser(intent.PersonKey) is not { } user)
            {
                return $"{intent.PersonKey} is not a Slack user: not reminded on Slack";
            }

            var text = SlackText.Escape(intent.Text);
            var mark = SlackPostMark.OfIntent(intentId, "direct");
            try
            {
                var ts = await once.SendAsync(0, mark, user, _ => Task.FromResult<string?>(DirectInDoubt),
                    () => api.PostMessageAsync(user, text, null, mark, ct), ct);
                return ts == DirectInDoubt ? "reminded (an earlier try may have reached them; not sent again)" : $"reminded ({ts})";
            }
            catch (SlackApiException e) when (e.Error is "channel_not_found" or "messages_tab_disabled" or "restricted_action")
            {
                // Slack's answer about this person or the app's messages tab, not a passing failure: the same request
                // now would get the same answer, so the reminder is not retried (tomorrow's is sent as usual).
                owner.Logger.LogWarning("Reminder to {User} not sent: {Error}{Hint}", user, e.Error,
                    e.Error == "messages_tab_disabled" ? " (turn on App Home > Messages Tab in the Slack app's settings)" : string.Empty);
                return $"not reminded: {e.Error}";
            }
        }

        public async Task<string> CloseAsync(long incidentId, CancellationToken ct)
        {
            if (Slack.ArchiveAfter is not { } after)
            {
                return "archiving is off";
            }

            var incident = await mediator.Send(new ReadIncident(incidentId), ct);
            if (!incident.Summary.Status.IsClosed() || incident.ClosedAt is not { } closed)
            {
                return "reopened; channel kept";
            }

            if (closed + after > owner.Clock.GetUtcNow().UtcDateTime)
            {
                return "closed again since; the later close archives it"; // its own archive item is due later
            }

            if (ChannelOf(incident) is not { } channel)
            {
                return "no Slack channel";
            }

            await api.ArchiveAsync(channel, ct);
            return "archived";
        }

        /// <summary>
        /// A nudge with its snooze buttons: to everyone in the incident's channel, or to one Slack user alone there
        /// (ephemeral). An ephemeral message cannot be read back, so a reminder whose post is in doubt counts as shown:
        /// the next one follows within its interval, and a double reminder at 3 a.m. helps no one (ADR 9).
        /// </summary>
        public async Task<string> NudgeAsync(SendNudge intent, CancellationToken ct)
        {
            var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
            if (ChannelOf(incident) is not { } channel)
            {
                return "no Slack channel";
            }

            var text = SlackText.Reply(intent.Text);
            var blocks = SlackViews.NudgeBlocks(incident.Summary.Number, intent.Kind, text);
            var mark = SlackPostMark.OfIntent(intentId, "nudge");
            if (intent.PersonKey is null)
            {
                await PostOnceAsync(intent.IncidentId, mark, channel, text, blocks, null, ct);
                return "nudged the channel";
            }

            if (SlackUser(intent.PersonKey) is not { } user)
            {
                return "not a Slack user: reminded on their platform";
            }

            await once.SendAsync(intent.IncidentId, mark, channel, _ => Task.FromResult<string?>(EphemeralInDoubt),
                () => api.PostEphemeralAsync(channel, user, text, blocks, ct), ct);
            return "reminded";
        }

        /// <summary>
        /// The role's briefing, to its new holder alone in the incident's channel (the invite runs before it). Unlike a
        /// reminder nothing follows it, so one whose post is in doubt is sent again (at least once, ADR 9).
        /// </summary>
        public async Task<string> BriefAsync(BriefRole intent, CancellationToken ct)
        {
            if (SlackUser(intent.PersonKey) is not { } user)
            {
                return "not a Slack user: briefed on their platform";
            }

            if (await ChannelAsync(intent.IncidentId, ct) is not { } channel)
            {
                return "no Slack channel";
            }

            var text = SlackText.Reply(intent.Text);
            try
            {
                await once.SendAsync(intent.IncidentId, SlackPostMark.OfIntent(intentId, "briefing"), channel, _ => Task.FromResult<string?>(null),
                    () => api.PostEphemeralAsync(channel, user, text, [SlackViews.Section(text)], ct), ct);
            }
            catch (SlackApiException e) when (e.Error is "user_not_in_channel" or "channel_not_found" or "is_archived")
            {
                // A courtesy: someone who left the channel (or an archived one) is not worth failing the intent over.
                owner.Logger.LogInformation("INC briefing of {User} skipped: {Error}", user, e.Error);
                return $"not briefed: {e.Error}";
            }

            return "briefed";
        }

        /// <summary>
        /// The incident was declared in this channel, to be its channel: join it (a private channel cannot be joined, the
        /// bot must be in it already), link it, and copy its messages of the minutes before the declare into the timeline.
        /// Each step finds what an earlier run did: the link stands, the messages already copied are skipped.
        /// </summary>
        public async Task<string> AdoptChannelAsync(AdoptIncidentChannel intent, CancellationToken ct)
        {
            if (intent.Platform != Platform)
            {
                return "declared on another platform";
            }

            var incident = await mediator.Send(new ReadIncident(intent.IncidentId), ct);
            var channel = ChannelOf(incident);
            if (channel is null)
            {
                SlackChannel joined;
                try
                {
                    joined = await api.JoinAsync(intent.ChannelId, ct);
                }
                catch (SlackApiException e) when (e.Error == "method_not_supported_for_channel_type")
                {
                    joined = await api.ConversationInfoAsync(intent.ChannelId, ct);
                }

                await mediator.Send(new LinkIncidentChannel(intent.IncidentId, Platform, joined.Id, joined.Name, null), ct);
                channel = joined.Id;
            }

            if (intent.BackfillMinutes <= 0)
            {
                return $"adopted {channel}";
            }

            var declared = new DateTimeOffset(DateTime.SpecifyKind(incident.Summary.DeclaredAt, DateTimeKind.Utc));
            var history = await api.HistoryAsync(channel, declared - TimeSpan.FromMinutes(intent.BackfillMinutes), declared, ct);
            var messages = new List<Core.Features.Timeline.ImportedMessage>();
            foreach (var (message, subtype) in history)
            {
                // What people wrote: not the bot's posts, nor joins, topic changes and other channel events.
                if (message.User is not { } author || message.BotId is not null || subtype is not (null or "thread_broadcast" or "file_share" or "me_message"))
                {
                    continue;
                }

                var names = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var mentioned in SlackText.MentionedUsers(message.Text))
                {
                    if (await api.UserNameAsync(mentioned, ct) is { } name)
                    {
                        names[mentioned] = name;
                    }
                }

                messages.Add(new(
                    $"slack:{channel}:{message.Ts}",
                    PersonKey.Create(Platform, author),
                    await api.UserNameAsync(author, ct),
                    SlackText.Readable(message.Text, names),
                    (Inbound.SlackTs.ToTime(message.Ts) ?? declared).UtcDateTime,
                    null));
            }

            var copied = await mediator.Send(new Core.Features.Timeline.ImportChannelHistory(intent.IncidentId, messages), ct);
            return $"adopted {channel}; {copied} message(s) copied into the timeline";
        }

        /// <summary>Posts the message marked <paramref name="mark"/> once (in the thread of <paramref name="threadTs"/>, if given); returns its ts.</summary>
        private Task<string> PostOnceAsync(long incidentId, SlackPostMark mark, string channel, string text, JsonArray? blocks, string? threadTs, CancellationToken ct) =>
            once.SendAsync(incidentId, mark, channel,
                since => api.FindPostedAsync(channel, threadTs, mark, since, ct),
                () => api.PostMessageAsync(channel, text, blocks, mark, ct, threadTs), ct);

        /// <summary>Bookmarks the incident's page in its channel once (a nicety: a refusal is logged, not retried).</summary>
        private async Task BookmarkAsync(long incidentId, int number, string channel, CancellationToken ct)
        {
            if (owner.Links.IncidentUrl(number) is not { } url)
            {
                return;
            }

            try
            {
                await once.SendAsync(incidentId, SlackPostMark.OfIncident(incidentId, BookmarkKind, intentId), channel,
                    _ => api.FindBookmarkAsync(channel, url, ct),
                    () => api.AddBookmarkAsync(channel, $"INC-{number} incident page", url, ct), ct);
            }
            catch (Exception e) when (e is SlackApiException || e.InnerException is SlackApiException)
            {
                // Refused, or its list cannot be read (bookmarks:read missing): not worth holding up the incident's posts.
                owner.Logger.LogInformation("Slack bookmark skipped: {Error}", (e as SlackApiException ?? (SlackApiException)e.InnerException!).Error);
            }
        }

        private static string? SlackUser(string personKey) =>
            personKey.StartsWith(Platform + ":", StringComparison.Ordinal) ? personKey[(Platform.Length + 1)..] : null;

        private Task<string?> ChannelAsync(long incidentId, CancellationToken ct) => mediator.Send(new FindIncidentChannelId(incidentId, Platform), ct);

        private static string? ChannelOf(IncidentDetails incident) => incident.Channels.FirstOrDefault(c => c.Platform == Platform)?.ChannelId;

        private async Task TryAsync(Func<Task> step, string what)
        {
            try
            {
                await step();
            }
            catch (SlackApiException e)
            {
                // Nice to have, not worth failing the intent (and re-running the rest) over.
                owner.Logger.LogInformation("Slack {What} skipped: {Error}", what, e.Error);
            }
        }
    }
}
