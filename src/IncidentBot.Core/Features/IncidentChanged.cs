using MediatR;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Features;

/// <summary>
/// Published after a change has committed, for in-process reactions only (logs, caches). Anything that must
/// survive a crash is an outbox intent instead.
/// </summary>
public sealed record IncidentChanged(long IncidentId, int Number, string Change, string ActorKey) : INotification;

/// <summary>One audit line per change in the structured log, whatever surface made it.</summary>
internal sealed class LogIncidentChange(ILogger<LogIncidentChange> logger) : INotificationHandler<IncidentChanged>
{
    public Task Handle(IncidentChanged notification, CancellationToken cancellationToken)
    {
        logger.LogInformation("INC-{Number}: {Change} by {Actor}", notification.Number, notification.Change, notification.ActorKey);
        return Task.CompletedTask;
    }
}
