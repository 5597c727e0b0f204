using System.Globalization;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// Runs the nudge checks (topic <see cref="NudgeSchedule.Topic"/>) when they fall due, in the scope the dispatcher gives
/// it: the check's nudge, its next check and the item's completion commit together.
/// </summary>
internal sealed class NudgeRunner : IWorkRunner
{
    public WorkTopic Topic { get; } = new(NudgeSchedule.Topic, MaxAttempts: 10, FirstBackoff: TimeSpan.FromSeconds(30));

    public async Task<string?> RunAsync(WorkItem item, IServiceProvider scope, CancellationToken cancellationToken)
    {
        if (NudgeSchedule.KindOf(item.Kind) is not { } kind || !long.TryParse(item.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var incidentId))
        {
            return $"not a nudge check: {item.Kind}";
        }

        return await scope.GetRequiredService<IMediator>().Send(new RunNudgeCheck(incidentId, kind), cancellationToken);
    }
}
