using System.Diagnostics.Metrics;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// The review calendar: incidents booked into sessions, sessions cancelled (skipped, or empty at freeze time), and
/// the backlog — incidents booked into sessions still to come (sampled from the store).
/// </summary>
public sealed class ReviewMetrics : IDisposable
{
    public const string MeterName = "IncidentBot.Reviews";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _booked;
    private readonly Counter<long> _cancelled;
    private long _backlog;
    private long _sessions;

    public ReviewMetrics()
    {
        _booked = _meter.CreateCounter<long>("incidentbot.reviews.booked", "{booking}", "Incidents booked into a review session (moves included)");
        _cancelled = _meter.CreateCounter<long>("incidentbot.reviews.sessions.cancelled", "{session}", "Review sessions cancelled");
        // Present from the start at zero, so the first booking or cancellation is an increase rate() can see.
        _booked.Add(0);
        _cancelled.Add(0);
        _meter.CreateObservableGauge("incidentbot.reviews.backlog", () => Interlocked.Read(ref _backlog), "{incident}", "Incidents booked into sessions still to come");
        _meter.CreateObservableGauge("incidentbot.reviews.sessions.upcoming", () => Interlocked.Read(ref _sessions), "{session}", "Sessions still to come with at least one booking");
    }

    /// <summary>What one save of the calendar changed against the stored sessions.</summary>
    public void Saved(int booked, int cancelled)
    {
        if (booked > 0)
        {
            _booked.Add(booked);
        }

        if (cancelled > 0)
        {
            _cancelled.Add(cancelled);
        }
    }

    public void Sampled(ReviewCalendarState upcoming)
    {
        var live = upcoming.Sessions.Where(s => !s.Cancelled && s.Bookings.Count > 0).ToList();
        Interlocked.Exchange(ref _backlog, live.Sum(s => s.Bookings.Count));
        Interlocked.Exchange(ref _sessions, live.Count);
    }

    public void Dispose() => _meter.Dispose();
}
