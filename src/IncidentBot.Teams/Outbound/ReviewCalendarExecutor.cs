using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Outbound;

/// <summary>
/// Writes a review session's fixed agenda into the matching occurrence of the Microsoft 365 recurring review meeting
/// (<c>Reviews:Graph:*</c>), or cancels that occurrence when nothing is booked, so attendees hear it from Outlook.
/// </summary>
public sealed class ReviewCalendarExecutor(IServiceScopeFactory scopes, IOptions<ReviewsOptions> reviews, IOptions<TeamsOptions> teams,
    ILogger<ReviewCalendarExecutor> logger) : IOutboxExecutor
{
    /// <summary>How far a calendar occurrence may be from the configured meeting time and still be "that" session.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromHours(2);

    public string Name => "m365-calendar";

    public bool Handles(Type intentType) => intentType == typeof(SyncReviewCalendarEvent) && reviews.Value.Graph.Configured && teams.Value.GraphConfigured;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        var sync = (SyncReviewCalendarEvent)intent;
        var graph = reviews.Value.Graph;
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<TeamsGraphClient>();
        try
        {
            var occurrences = await client.OccurrencesAsync(graph.MailboxUserId!, graph.SeriesEventId!, sync.SessionStartUtc - Tolerance, sync.SessionStartUtc + Tolerance, cancellationToken);
            var match = occurrences.Where(o => !o.IsCancelled).MinBy(o => (o.StartUtc - sync.SessionStartUtc).Duration());
            if (match is null)
            {
                logger.LogWarning("No occurrence of the review meeting near {Start:O} in the Microsoft 365 calendar; agenda not written there", sync.SessionStartUtc);
                return "no matching occurrence";
            }

            if (sync.Cancelled)
            {
                await client.CancelEventAsync(graph.MailboxUserId!, match.Id, sync.Agenda, cancellationToken);
                return $"occurrence {match.Id} cancelled";
            }

            // Reviews:Sponsor and Reviews:Attendees join whoever the occurrence already invites; nobody is removed.
            var missing = reviews.Value.Invitees()
                .Where(i => !match.Attendees.Any(a => string.Equals(a.Address, i.Email, StringComparison.OrdinalIgnoreCase)))
                .Select(i => new TeamsGraphClient.GraphAttendee(i.Email, i.Name, "required"))
                .ToList();
            await client.UpdateEventBodyAsync(graph.MailboxUserId!, match.Id, sync.Agenda, missing.Count == 0 ? null : [.. match.Attendees, .. missing], cancellationToken);
            return $"agenda written to occurrence {match.Id}" + (missing.Count == 0 ? string.Empty : $", {missing.Count} attendee(s) invited");
        }
        catch (TeamsRateLimitedException limited)
        {
            throw new OutboxRetryException(limited.Message, limited.RetryAfter, limited);
        }
    }
}
