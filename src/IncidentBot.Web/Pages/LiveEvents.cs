using System.Globalization;
using IncidentBot.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Web.Pages;

/// <summary>
/// Server-sent events for a page that keeps up: <c>changed</c> with an incident id whenever a change the page shows
/// commits (on any replica), and a comment now and then so that proxies keep the connection. The events carry no
/// content; the page fetches itself again, as the viewer, and so sees only what the viewer may see.
/// </summary>
internal static class LiveEvents
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    /// <param name="http">The request that asked for the stream; the events are its response.</param>
    /// <param name="shows">Whether the page shows this incident (<see cref="IncidentChangeBroadcast.AnyIncident"/> always counts).</param>
    public static async Task<IActionResult> StreamAsync(HttpContext http, Func<long, bool> shows)
    {
        var services = http.RequestServices;
        var clock = services.GetRequiredService<TimeProvider>();
        using var watch = services.GetRequiredService<IIncidentChangeFeed>().Watch();

        // Ends with the request, or when the host stops: an open stream must not hold up shutdown.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var cancellationToken = done.Token;

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            // The stream is open (and the watch registered) once the browser has this: changes from here on are seen.
            await response.WriteAsync("retry: 3000\n: watching\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);

            await using var changes = watch.ChangesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            var next = changes.MoveNextAsync().AsTask();
            while (true)
            {
                using var quiet = new CancellationTokenSource(KeepAlive, clock);
                var idle = Task.Delay(Timeout.InfiniteTimeSpan, quiet.Token);
                if (await Task.WhenAny(next, idle) == next)
                {
                    if (!await next)
                    {
                        break;
                    }

                    var id = changes.Current;
                    if (id == IncidentChangeBroadcast.AnyIncident || shows(id))
                    {
                        await response.WriteAsync($"event: changed\ndata: {id.ToString(CultureInfo.InvariantCulture)}\n\n", cancellationToken);
                    }

                    next = changes.MoveNextAsync().AsTask();
                }
                else
                {
                    await response.WriteAsync(": still here\n\n", cancellationToken);
                }

                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away or the host is stopping; it reconnects on its own.
        }

        return new EmptyResult();
    }
}
