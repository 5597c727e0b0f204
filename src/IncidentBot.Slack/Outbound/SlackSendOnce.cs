using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Http;
using IncidentBot.Core.Outbox;
using IncidentBot.Slack.Api;
using MediatR;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace IncidentBot.Slack.Outbound;

/// <summary>
/// Sends each message and bookmark once, whatever fails between the call and its answer (a timeout, a reset, a 5xx,
/// the process killed). Before the call it writes down that an attempt started; after it, what came back. A run that
/// finds an attempt without an outcome does not send blindly: it reads the channel back from that attempt on, looking
/// for the mark (<see cref="SlackPostMark"/>), and adopts what it finds. Pins and invites need none of this: Slack
/// answers a second one with <c>already_pinned</c> or <c>already_in_channel</c>.
/// </summary>
/// <remarks>
/// The records are kept with the incident's messages (kind <c>posted:&lt;mark&gt;</c>, the channel, and the ts, or
/// <see cref="InDoubt"/> or <see cref="NotSent"/>); the first attempt's time is the record's time, kept until the
/// outcome is known.
/// </remarks>
internal sealed class SlackSendOnce(IMediator mediator, ILogger logger)
{
    /// <summary>How far Slack's clock may be behind ours: messages are looked for from this long before the first attempt.</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>An attempt started; whether it reached Slack is not known.</summary>
    private const string InDoubt = "?";

    /// <summary>The last attempt provably did not reach Slack (refused, rate limited, never connected): send without looking.</summary>
    private const string NotSent = "-";

    /// <summary>
    /// Returns what <paramref name="send"/> returned, on this run or an earlier one, or what <paramref name="find"/> found
    /// of an earlier attempt (given the time to look from). A lookup that is rate limited throws
    /// <see cref="SlackRateLimitedException"/> and sends nothing; any other failure while the outcome is unknown throws
    /// <see cref="OutboxInDoubtException"/>, so the intent keeps its place until it is known.
    /// </summary>
    public async Task<string> SendAsync(long incidentId, SlackPostMark mark, string channel, Func<DateTimeOffset, Task<string?>> find,
        Func<Task<string>> send, CancellationToken cancellationToken)
    {
        var kind = $"posted:{mark.Id}";
        var record = await mediator.Send(new GetIncidentMessage(incidentId, SlackOutboxExecutor.Platform, kind), cancellationToken);
        if (record is { MessageId: not (InDoubt or NotSent) })
        {
            return record.MessageId;
        }

        if (record is { MessageId: InDoubt })
        {
            string? found;
            try
            {
                found = await find(new DateTimeOffset(DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc)) - ClockSkew);
            }
            catch (Exception e) when (e is not (SlackRateLimitedException or OperationCanceledException))
            {
                throw new OutboxInDoubtException($"Could not read {channel} back to look for {mark.Id}, which may have been posted: {e.Message}", e);
            }

            if (found is not null)
            {
                logger.LogInformation("{Mark} reached Slack on an earlier try ({Channel} {Ts}); adopted, not sent again", mark.Id, channel, found);
                await SaveAsync(incidentId, kind, channel, found, cancellationToken);
                return found;
            }

            logger.LogInformation("{Mark} did not reach Slack on an earlier try; sending it now", mark.Id);
        }
        else
        {
            await SaveAsync(incidentId, kind, channel, InDoubt, cancellationToken);
        }

        string sent;
        try
        {
            sent = await send();
        }
        catch (Exception e) when (NeverReachedSlack(e))
        {
            await SaveAsync(incidentId, kind, channel, NotSent, CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new OutboxInDoubtException($"{mark.Id} may or may not have reached Slack ({e.Message}); the next try looks for it before sending", e);
        }

        await SaveAsync(incidentId, kind, channel, sent, CancellationToken.None);
        return sent;
    }

    /// <summary>
    /// Failures that prove Slack did not act: it answered with an error or a rate limit, the connection was never made,
    /// or the circuit was open so no call went out (not the call whose failure opened it: that one is in doubt).
    /// </summary>
    private static bool NeverReachedSlack(Exception e) => e switch
    {
        SlackApiException or SlackRateLimitedException => true,
        HttpRequestException http => OutboundRequests.NeverSent(http),
        BrokenCircuitException broken => broken.InnerException is BrokenCircuitException,
        _ => false,
    };

    private async Task SaveAsync(long incidentId, string kind, string channel, string outcome, CancellationToken cancellationToken) =>
        await mediator.Send(new SaveIncidentMessage(incidentId, SlackOutboxExecutor.Platform, kind, channel, outcome), cancellationToken);
}
