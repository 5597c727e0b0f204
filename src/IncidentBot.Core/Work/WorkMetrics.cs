using System.Diagnostics;
using System.Diagnostics.Metrics;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;

namespace IncidentBot.Core.Work;

/// <summary>
/// The work queue: how each run ended, how long items waited past their due time before running (delivery lag),
/// and — sampled from the store, so every replica reports the shared queue — depth, oldest due age and parked items
/// per topic (<c>inbox.slack</c>, <c>outbox.teams</c> …).
/// </summary>
public sealed class WorkMetrics : IDisposable
{
    public const string MeterName = "IncidentBot.Work";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _lag;
    private volatile IReadOnlyList<TopicBacklog> _backlog = [];
    private DateTime _sampledAt;

    public WorkMetrics()
    {
        _runs = _meter.CreateCounter<long>("incidentbot.work.runs", "{run}",
            "Runs of work items by outcome: done, retried, deferred (rate limit or open circuit), parked, lost (lease), shutdown");
        _lag = _meter.CreateHistogram("incidentbot.work.lag", "s",
            "From the time a work item fell due to the start of its run", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Queue });
        _meter.CreateObservableGauge("incidentbot.work.queue.depth", () => Observe(b => b.DueNow), "{item}", "Work items due now (waiting or running), per topic");
        _meter.CreateObservableGauge("incidentbot.work.queue.oldest_age",
            () => Observe(b => b.OldestDueAt is { } due ? Math.Max(0, (_sampledAt - due).TotalSeconds) : 0), "s", "How long the oldest due item of a topic has waited");
        _meter.CreateObservableGauge("incidentbot.work.parked", () => Observe(b => b.Parked), "{item}", "Work items parked after their retries, per topic");
    }

    public void Started(WorkItem item, DateTime now) =>
        _lag.Record(Math.Max(0, (now - item.DueAt).TotalSeconds), new KeyValuePair<string, object?>("topic", item.Topic));

    public void Ended(string topic, string outcome) =>
        _runs.Add(1, new TagList { { "topic", topic }, { "outcome", outcome } });

    /// <summary>The latest per-topic sample; a topic that emptied keeps reporting zero rather than vanishing mid-graph.</summary>
    public void Sampled(IReadOnlyList<TopicBacklog> backlog, DateTime now)
    {
        var gone = _backlog.Where(b => backlog.All(n => n.Topic != b.Topic)).Select(b => new TopicBacklog(b.Topic, 0, null, 0));
        _sampledAt = now;
        _backlog = backlog.Concat(gone).ToList();
    }

    private IEnumerable<Measurement<double>> Observe(Func<TopicBacklog, double> value) =>
        _backlog.Select(b => new Measurement<double>(value(b), new KeyValuePair<string, object?>("topic", b.Topic)));

    public void Dispose() => _meter.Dispose();
}
