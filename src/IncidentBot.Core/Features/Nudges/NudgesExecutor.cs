using IncidentBot.Core.Outbox;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>
/// The core's executor of nudge checks: timed work items (one pending per incident and kind, moved by every
/// reschedule) that ask <see cref="RunNudgeCheck"/> whether a nudge is due when they fall due.
/// </summary>
internal sealed class NudgesExecutor(IServiceScopeFactory scopes) : IOutboxExecutor
{
    public const string ExecutorName = "nudges";

    public string Name => ExecutorName;

    public bool Handles(Type intentType) => intentType == typeof(CheckNudge);

    public TimeSpan DelayOf(IOutboxIntent intent) => intent is CheckNudge check ? check.After : TimeSpan.Zero;

    public string? UniqueKeyOf(IOutboxIntent intent) => intent is CheckNudge check ? NudgeSchedule.UniqueKey(check.Kind, check.IncidentId) : null;

    public async Task<string?> ExecuteAsync(IOutboxIntent intent, long intentId, CancellationToken cancellationToken)
    {
        var check = (CheckNudge)intent;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunNudgeCheck(check.IncidentId, check.Kind), cancellationToken);
    }
}
