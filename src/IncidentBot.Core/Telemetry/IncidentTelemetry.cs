using System.Diagnostics;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Telemetry;

/// <summary>
/// The names the bot's traces and metrics are published under, for the host to listen to. Each module owns its
/// meter (<c>IncidentBot.Inbox</c>, <c>IncidentBot.Work</c> …); spans all come from one source.
/// </summary>
public static class IncidentTelemetry
{
    public const string SourceName = "IncidentBot";

    public static readonly ActivitySource Source = new(SourceName);

    public static IReadOnlyList<string> MeterNames { get; } =
    [
        Inbox.InboxMetrics.MeterName,
        Work.WorkMetrics.MeterName,
        Http.OutboundMetrics.MeterName,
        Features.IncidentMetrics.MeterName,
        Features.Reviews.ReviewMetrics.MeterName,
    ];
}

/// <summary>
/// Carries a trace across the work queue: an item remembers the span that queued it (W3C <c>traceparent</c>), and
/// its run continues that trace, so a card that appeared late shows the wait and the calls in one trace.
/// </summary>
public static class WorkTrace
{
    /// <summary>The current span as a <c>traceparent</c>, or null outside any recorded trace.</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the span of one run of <paramref name="item"/>, a child of the span that queued it when known.</summary>
    public static Activity? StartRun(WorkItem item)
    {
        ActivityContext.TryParse(item.TraceParent, null, isRemote: true, out var parent);
        var activity = IncidentTelemetry.Source.StartActivity($"{item.Topic} {item.Kind}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("incidentbot.work.topic", item.Topic);
            activity.SetTag("incidentbot.work.kind", item.Kind);
            activity.SetTag("incidentbot.work.id", item.Id);
            activity.SetTag("incidentbot.work.attempt", item.Attempts);
            if (item.IncidentId is { } incident)
            {
                activity.SetTag("incidentbot.incident.id", incident);
            }
        }

        return activity;
    }
}

/// <summary>Histogram buckets that resolve what each measures (the defaults put a 4 ms ack into the 5 s bucket).</summary>
internal static class Buckets
{
    /// <summary>An acknowledgement: 1 ms to 10 s (Slack gives up at 3 s).</summary>
    public static readonly double[] Ack = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10];

    /// <summary>Waiting in the queue or an outbound call: 5 ms to 15 minutes (the longest backoff).</summary>
    public static readonly double[] Queue = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

    /// <summary>An incident's phases: a minute to a week.</summary>
    public static readonly double[] Incident = [60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];
}
