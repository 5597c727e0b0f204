using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Http;
using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace IncidentBot.Teams.Outbound;

/// <summary>
/// Posts each Teams message of an intent once when the Bot Connector's answer says what happened, and at least once
/// when it does not (decision record 6). Before the call it writes down that an attempt started; after it, the activity
/// id the Connector returned. A later run of the same intent (a retry, a restart after a crash) that finds the id posts
/// nothing; one that finds an attempt without an outcome posts again, since the Connector has no way to look a post up.
/// </summary>
/// <remarks>
/// The records are kept with the incident's messages (kind <c>posted:&lt;mark&gt;</c>, the conversation, and the
/// activity id, or <see cref="InDoubt"/> or <see cref="NotSent"/>).
/// </remarks>
internal sealed class TeamsSendOnce(IMediator mediator, ILogger logger)
{
    /// <summary>An attempt started; whether it reached Teams is not known.</summary>
    private const string InDoubt = "?";

    /// <summary>The last attempt provably did not reach Teams (refused, rate limited, never connected).</summary>
    private const string NotSent = "-";

    /// <summary>Teams took the post but named no activity id.</summary>
    private const string NoId = "(none)";

    /// <summary>
    /// Returns the conversation and activity id <paramref name="send"/> returned, on this run or an earlier one of the
    /// intent whose post <paramref name="mark"/> names (<c>&lt;intent id&gt;:&lt;what&gt;</c>). <paramref name="target"/> is where
    /// it goes, recorded while the outcome is unknown.
    /// </summary>
    public async Task<(string ConversationId, string ActivityId)> SendAsync(long incidentId, string mark, string target,
        Func<Task<(string ConversationId, string ActivityId)>> send, CancellationToken cancellationToken)
    {
        var kind = $"posted:{mark}";
        var record = await mediator.Send(new GetIncidentMessage(incidentId, TeamsOutboxExecutor.Platform, kind), cancellationToken);
        if (record is { MessageId: not (InDoubt or NotSent) })
        {
            return (record.ConversationId, record.MessageId == NoId ? string.Empty : record.MessageId);
        }

        if (record is { MessageId: InDoubt })
        {
            logger.LogWarning("Teams post {Mark} may have reached {Conversation} on an earlier try; the Bot Connector cannot be asked, so it is sent again",
                mark, record.ConversationId);
        }
        else
        {
            await SaveAsync(incidentId, kind, target, InDoubt, cancellationToken);
        }

        (string ConversationId, string ActivityId) sent;
        try
        {
            sent = await send();
        }
        catch (Exception e) when (ProvablyNotSent(e))
        {
            await SaveAsync(incidentId, kind, target, NotSent, CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Maybe sent: the retry holds the incident's key, so its next post cannot land before this one is sent again.
            throw new OutboxInDoubtException($"Teams post {mark} to {target} may or may not have arrived", e);
        }

        // Not cancellable: the post is out, and a shutdown arriving now must not lose the record of it.
        await SaveAsync(incidentId, kind, sent.ConversationId, sent.ActivityId.Length == 0 ? NoId : sent.ActivityId, CancellationToken.None);
        return sent;
    }

    /// <summary>The request never reached the Connector, or the Connector answered that it took nothing.</summary>
    private static bool ProvablyNotSent(Exception e) => e switch
    {
        TeamsRateLimitedException => true,
        TeamsApiException refused => (int)refused.Status is >= 400 and < 500,
        BrokenCircuitException broken => broken.InnerException is BrokenCircuitException,
        HttpRequestException failed => OutboundRequests.NeverSent(failed),
        InvalidOperationException => true, // refused before sending: a service URL the bot may not call
        _ => false,
    };

    private async Task SaveAsync(long incidentId, string kind, string conversation, string activityId, CancellationToken cancellationToken) =>
        await mediator.Send(new SaveIncidentMessage(incidentId, TeamsOutboxExecutor.Platform, kind, conversation, activityId), cancellationToken);
}
