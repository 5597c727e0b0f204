using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Messaging;

/// <summary>
/// Two people changing one incident at the same moment (both click "identified") is normal at 3 a.m. The loser's
/// request is simply run again on fresh data, after a short jittered pause so that several losers do not collide
/// again in lockstep, before anyone is bothered with it.
/// </summary>
public sealed class RetryOnConflictBehavior<TRequest, TResponse>(IncidentWorkspace workspace, TimeProvider clock, ILogger<RetryOnConflictBehavior<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    private const int Attempts = 8;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await next();
            }
            catch (Exception ex) when (attempt < Attempts && IsConflict(ex))
            {
                logger.LogDebug("{Request} conflicted with a concurrent change; retrying (attempt {Attempt})", typeof(TRequest).Name, attempt + 1);
                workspace.Reset();
#pragma warning disable CA5394 // Jitter spreads retries apart; it protects nothing.
                var pause = TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt));
#pragma warning restore CA5394
                await Task.Delay(pause, clock, cancellationToken);
            }
        }
    }

    private static bool IsConflict(Exception ex) =>
        ex is IncidentConflictException or StoreConflictException { Kind: StoreConflictKind.IncidentVersion or StoreConflictKind.CalendarRevision };
}
