using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// The core's own executor: when an incident is resolved, write its review doc and book its review; when a closed
/// incident changes, regenerate its doc once things settle (one pending regeneration per incident, pushed back by
/// each change), until the agenda it is on freezes.
/// </summary>
internal sealed class ReviewsExecutor(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxExecutor
{
    /// <summary>How long a doc waits for more changes before it is regenerated: a burst of edits costs one regeneration.</summary>
    public static readonly TimeSpan RegenerationDelay = TimeSpan.FromMinutes(1);

    public string Name => "reviews";

    public bool Handles(Type intentType) =>
        intentType == typeof(ScheduleIncidentReview) || intentType == typeof(ScheduleIncidentReviewDoc) || intentType == typeof(RemindReviewPresenter);

    public TimeSpan DelayOf(IOutboxIntent intent) => intent switch
    {
        ScheduleIncidentReviewDoc => RegenerationDelay,
        RemindReviewPresenter remind when remind.DueUtc > clock.GetUtcNow().UtcDateTime => remind.DueUtc - clock.GetUtcNow().UtcDateTime,
        _ => TimeSpan.Zero,
    };

    /// <summary>One pending regeneration per incident; one pending reminder per incident (a new booking reschedules it).</summary>
    public string? UniqueKeyOf(IOutboxIntent intent) => intent switch
    {
        ScheduleIncidentReviewDoc => $"doc:{intent.IncidentId}",
        RemindReviewPresenter => $"presenter:{intent.IncidentId}",
        _ => null,
    };

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        if (intent is ScheduleIncidentReviewDoc)
        {
            return await mediator.Send(new RefreshReviewDoc(intent.IncidentId), cancellationToken);
        }

        if (intent is RemindReviewPresenter remind)
        {
            return await mediator.Send(new RemindPresenter(remind.IncidentId, remind.SessionStartUtc), cancellationToken);
        }

        await mediator.Send(new GenerateReviewDoc(intent.IncidentId), cancellationToken);
        var booking = await mediator.Send(new BookIncidentReview(intent.IncidentId), cancellationToken);
        return $"{booking.Outcome}: {booking.Reason}";
    }
}
