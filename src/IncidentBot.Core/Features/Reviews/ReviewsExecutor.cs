using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>The core's own executor: when an incident is resolved, write its review doc and book its review.</summary>
internal sealed class ReviewsExecutor(IServiceScopeFactory scopes) : IOutboxExecutor
{
    public string Name => "reviews";

    public bool Handles(Type intentType) => intentType == typeof(ScheduleIncidentReview) || intentType == typeof(ScheduleIncidentReviewDoc);

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        await mediator.Send(new GenerateReviewDoc(intent.IncidentId), cancellationToken);
        if (intent is ScheduleIncidentReviewDoc)
        {
            return "doc regenerated";
        }

        var booking = await mediator.Send(new BookIncidentReview(intent.IncidentId), cancellationToken);
        return $"{booking.Outcome}: {booking.Reason}";
    }
}
