using System.Diagnostics;
using System.Diagnostics.Metrics;
using IncidentBot.Core.Telemetry;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// Deliveries from the chat platforms: received, acknowledged (stored durably, so the platform's request can be
/// answered), and how long that took from the request's arrival. Labels: <c>platform</c> (the source) and <c>kind</c>.
/// </summary>
public sealed class InboxMetrics : IDisposable
{
    public const string MeterName = "IncidentBot.Inbox";

    private static readonly AsyncLocal<long?> ArrivedAt = new();

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _received;
    private readonly Counter<long> _acked;
    private readonly Histogram<double> _ackDuration;

    public InboxMetrics()
    {
        _received = _meter.CreateCounter<long>("incidentbot.inbox.received", "{delivery}", "Deliveries that reached the bot");
        _acked = _meter.CreateCounter<long>("incidentbot.inbox.acked", "{delivery}",
            "Deliveries stored durably and acknowledged (outcome stored or duplicate); received minus acked failed");
        _ackDuration = _meter.CreateHistogram("incidentbot.inbox.ack.duration", "s",
            "From a delivery's arrival to its acknowledgement", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Ack });
    }

    /// <summary>
    /// Marks the arrival of the inbound request now being handled (set by the web host's first middleware), so the
    /// ack latency includes reading and verifying the request, not only the store's write.
    /// </summary>
    public static void MarkArrival() => ArrivedAt.Value = Stopwatch.GetTimestamp();

    /// <summary>The arrival of the current request, or now when no request marked one (Socket Mode).</summary>
    public static long Arrival() => ArrivedAt.Value ?? Stopwatch.GetTimestamp();

    public void Received(string platform, string kind) => _received.Add(1, Tags(platform, kind));

    public void Acked(string platform, string kind, bool duplicate, long arrival)
    {
        var tags = Tags(platform, kind);
        _ackDuration.Record(Stopwatch.GetElapsedTime(arrival).TotalSeconds, tags);
        tags.Add("outcome", duplicate ? "duplicate" : "stored");
        _acked.Add(1, tags);
    }

    private static TagList Tags(string platform, string kind) => new() { { "platform", platform }, { "kind", kind } };

    public void Dispose() => _meter.Dispose();
}
