using System.Diagnostics;
using IncidentBot.Core.Telemetry;
using MediatR;

namespace IncidentBot.Core.Messaging;

/// <summary>
/// One span per request, whatever surface sent it: the handler's time, and the parent of the work it queues and the
/// calls it makes. Outermost, so a refused input or a conflict retry shows inside it.
/// </summary>
public sealed class TracingBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly string Name = typeof(TRequest).Name;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        using var span = IncidentTelemetry.Source.StartActivity(Name);
        try
        {
            return await next();
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
