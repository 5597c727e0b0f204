using System.Diagnostics;
using System.Diagnostics.Metrics;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;
using MediatR;

namespace IncidentBot.Core.Features;

/// <summary>
/// Incidents: declared and closed (resolved, cancelled, duplicate) by severity; open ones by severity (sampled from
/// the store, so every replica reports the same number); and, when one is resolved, how long it took from the
/// declare to be identified (acknowledged: someone has it in hand), mitigated and resolved, by severity and service.
/// </summary>
public sealed class IncidentMetrics : IDisposable
{
    public const string MeterName = "IncidentBot.Incidents";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _declared;
    private readonly Counter<long> _closed;
    private readonly Histogram<double> _toAcknowledge;
    private readonly Histogram<double> _toMitigate;
    private readonly Histogram<double> _toResolve;
    private volatile IReadOnlyDictionary<string, int> _open = new Dictionary<string, int>();

    public IncidentMetrics(LabelCap services)
    {
        Services = services;
        _declared = _meter.CreateCounter<long>("incidentbot.incidents.declared", "{incident}", "Incidents declared, by severity");
        _closed = _meter.CreateCounter<long>("incidentbot.incidents.closed", "{incident}", "Incidents closed, by severity and status (resolved, cancelled, duplicate)");
        _meter.CreateObservableGauge("incidentbot.incidents.open",
            () => _open.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("severity", kv.Key))), "{incident}", "Open incidents, by severity");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Incident };
        _toAcknowledge = _meter.CreateHistogram("incidentbot.incidents.time_to_acknowledge", "s", "Declared to identified, per resolved incident", advice: advice);
        _toMitigate = _meter.CreateHistogram("incidentbot.incidents.time_to_mitigate", "s", "Declared to mitigated (monitoring), per resolved incident", advice: advice);
        _toResolve = _meter.CreateHistogram("incidentbot.incidents.time_to_resolve", "s", "Declared to resolved, per resolved incident", advice: advice);
    }

    /// <summary>The capped <c>service</c> label.</summary>
    public LabelCap Services { get; }

    public void Declared(Incident incident) => _declared.Add(1, new KeyValuePair<string, object?>("severity", incident.Severity));

    public void Closed(Incident incident)
    {
        _closed.Add(1, new TagList { { "severity", incident.Severity }, { "status", incident.Status.ToWord() } });
        if (incident is { Status: IncidentStatus.Resolved, ResolvedAt: { } resolved })
        {
            var tags = new TagList { { "severity", incident.Severity }, { "service", Services.Of(incident.Service) } };
            _toAcknowledge.Record(Seconds(incident.DeclaredAt, incident.IdentifiedAt ?? resolved), tags);
            _toMitigate.Record(Seconds(incident.DeclaredAt, incident.MitigatedAt ?? resolved), tags);
            _toResolve.Record(Seconds(incident.DeclaredAt, resolved), tags);
        }
    }

    /// <summary>The open incidents per severity, as last sampled (every configured severity reports, zero included).</summary>
    public void SampledOpen(IReadOnlyDictionary<string, int> bySeverity) => _open = bySeverity;

    private static double Seconds(DateTime from, DateTime to) => Math.Max(0, (to - from).TotalSeconds);

    public void Dispose() => _meter.Dispose();
}

/// <summary>Counts each committed declare and close, from the change notifications every feature already publishes.</summary>
internal sealed class CountIncidentChange(IIncidentStore incidents, IncidentMetrics metrics) : INotificationHandler<IncidentChanged>
{
    public async Task Handle(IncidentChanged notification, CancellationToken cancellationToken)
    {
        var declared = notification.Change.StartsWith("declared", StringComparison.Ordinal);
        if (!declared && !IsClose(notification.Change))
        {
            return;
        }

        if (await incidents.FindByIdAsync(notification.IncidentId, cancellationToken) is not { } incident)
        {
            return;
        }

        if (declared)
        {
            metrics.Declared(incident);
        }
        else if (incident.Status.IsClosed())
        {
            metrics.Closed(incident);
        }
    }

    private static bool IsClose(string change) =>
        change is "resolved" or "cancelled" || change.StartsWith("duplicate of", StringComparison.Ordinal) || change.EndsWith("→ resolved", StringComparison.Ordinal);
}
