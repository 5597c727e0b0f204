using MediatR;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Messaging;

/// <summary>
/// MediatR 5.1's <c>Publish</c> stops at the first handler that throws. Notifications here are in-process
/// reactions to a change that is already committed, so one failing reaction must neither stop the others
/// nor reach the caller (who would take it for a failed change): each is awaited alone and its failure logged.
/// </summary>
public sealed class SafePublishMediator(ServiceFactory serviceFactory, ILogger<SafePublishMediator> logger) : Mediator(serviceFactory)
{
    protected override async Task PublishCore(IEnumerable<Task> allHandlers)
    {
        // MediatR builds this sequence lazily: each MoveNext starts the next handler, so a handler that
        // throws synchronously surfaces here and is caught like an asynchronous failure.
        using var handlers = allHandlers.GetEnumerator();
        while (true)
        {
            Task? task = null;
            try
            {
                if (!handlers.MoveNext())
                {
                    break;
                }

                task = handlers.Current;
                await task;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A notification handler failed; the change it reacts to stands and the other handlers still run");
            }
        }
    }
}
