namespace IncidentBot.Core.Commands;

/// <summary>A time as typed, resolved later against the clock and a time zone by <see cref="TimeSpecResolver"/>.</summary>
public abstract record TimeSpec;

/// <summary>
/// A time with an explicit zone or offset: "2026-11-21T14:05Z", "2026-11-21 14:05 UTC", "2026-11-21T14:05+02:00", "14:05Z".
/// When only a time of day was typed ("14:05Z"), <see cref="TimeOfDayOnly"/> is true: <see cref="At"/> then carries the time and
/// offset on a placeholder date, and the resolver picks the most recent past occurrence.
/// </summary>
public sealed record AbsoluteTimeSpec(DateTimeOffset At) : TimeSpec
{
    /// <summary>True when no date was typed; the date part of <see cref="At"/> means nothing then.</summary>
    public bool TimeOfDayOnly { get; init; }
}

/// <summary>A wall-clock time without a zone: "14:05", "2:05pm", "2026-11-21 14:05". <paramref name="Date"/> null = the most recent past occurrence.</summary>
public sealed record LocalTimeSpec(DateOnly? Date, TimeOnly Time) : TimeSpec;

/// <summary>A time relative to now: "45m ago", "1h30m ago", "2 hours ago", "90 minutes ago".</summary>
public sealed record AgoTimeSpec(TimeSpan Ago) : TimeSpec;
