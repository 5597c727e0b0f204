namespace IncidentBot.Core.Commands;

/// <summary>Turns a typed <see cref="TimeSpec"/> into an instant, given the clock and the incident's (or person's) time zone.</summary>
public static class TimeSpecResolver
{
    /// <summary>
    /// Absolute → itself (a time-of-day-only one: its most recent past occurrence at its offset); Ago → now − Ago;
    /// Local → that wall time in <paramref name="zone"/> (no date: today in the zone, or yesterday if today's would be in the future).
    /// The result is in UTC. A wall time skipped by a DST change moves forward by the gap (02:30 on the spring-forward
    /// night in Berlin is 03:30 CEST); a repeated one takes its first occurrence.
    /// </summary>
    public static DateTimeOffset Resolve(TimeSpec spec, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(zone);
        return spec switch
        {
            AbsoluteTimeSpec { TimeOfDayOnly: false } absolute => absolute.At.ToUniversalTime(),
            AbsoluteTimeSpec timeOfDay => MostRecentAtOffset(timeOfDay.At, now),
            AgoTimeSpec ago => (now - ago.Ago).ToUniversalTime(),
            LocalTimeSpec { Date: { } date } local => WallTimeToUtc(date.ToDateTime(local.Time), zone),
            LocalTimeSpec local => MostRecentWallTime(local.Time, now, zone),
            _ => throw new ArgumentException($"Unknown time spec {spec.GetType().Name}.", nameof(spec)),
        };
    }

    /// <summary>The instant a wall-clock time in <paramref name="zone"/> stands for, with the DST rules above.</summary>
    public static DateTimeOffset WallTimeToUtc(DateTime wallTime, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var wall = DateTime.SpecifyKind(wallTime, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(wall))
        {
            // Skipped by a spring-forward: read it with the offset in force before the gap, which lands it
            // the length of the gap later on the new clock.
            offset = zone.GetUtcOffset(wall.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(wall))
        {
            // Happens twice on a fall-back night: the larger offset is the earlier instant.
            offset = zone.GetAmbiguousTimeOffsets(wall).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(wall);
        }

        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    private static DateTimeOffset MostRecentWallTime(TimeOnly time, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var candidate = WallTimeToUtc(today.ToDateTime(time), zone);
        return candidate <= now ? candidate : WallTimeToUtc(today.AddDays(-1).ToDateTime(time), zone);
    }

    private static DateTimeOffset MostRecentAtOffset(DateTimeOffset timeAndOffset, DateTimeOffset now)
    {
        var offset = timeAndOffset.Offset;
        var today = now.ToOffset(offset).Date;
        var candidate = new DateTimeOffset(today + timeAndOffset.TimeOfDay, offset);
        if (candidate > now)
        {
            candidate = candidate.AddDays(-1);
        }

        return candidate.ToUniversalTime();
    }
}
