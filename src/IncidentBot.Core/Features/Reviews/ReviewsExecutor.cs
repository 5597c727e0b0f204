using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// The core's own executor: when an incident is resolved, write its review doc and book its review; when a closed
/// incident changes, regenerate its doc once things settle (one pending regeneration per incident, pushed back by
/// each change), until the agenda it is on freezes.
/// </summary>
internal sealed class ReviewsExecutor(IServiceScopeFactory scopes) : IOutboxExecutor
{
    /// <summary>How long a doc waits for more changes before it is regenerated: a burst of edits costs one regeneration.</summary>
    public static readonly TimeSpan RegenerationDelay = TimeSpan.FromMinutes(1);

    public string Name => "reviews";

    public bool Handles(Type intentType) => intentType == typeof(ScheduleIncidentReview) || intentType == typeof(ScheduleIncidentReviewDoc);

    public TimeSpan DelayOf(IOutboxIntent intent) => intent is ScheduleIncidentReviewDoc ? RegenerationDelay : TimeSpan.Zero;

    public string? UniqueKeyOf(IOutboxIntent intent) => intent is ScheduleIncidentReviewDoc ? $"doc:{intent.IncidentId}" : null;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        if (intent is ScheduleIncidentReviewDoc)
        {
            return await mediator.Send(new RefreshReviewDoc(intent.IncidentId), cancellationToken);
        }

        await mediator.Send(new GenerateReviewDoc(intent.IncidentId), cancellationToken);
        var booking = await mediator.Send(new BookIncidentReview(intent.IncidentId), cancellationToken);
        return $"{booking.Outcome}: {booking.Reason}";
    }
}
