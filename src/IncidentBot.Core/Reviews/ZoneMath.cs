namespace IncidentBot.Core.Reviews;

/// <summary>
/// Wall time ↔ UTC for any source of UTC offsets (a <see cref="TimeZoneInfo"/> or a parsed VTIMEZONE), with the
/// RFC 5545 (3.3.5) reading of awkward wall times: a wall time that does not exist (spring-forward gap) is read
/// with the offset in force before the gap, so it lands the length of the gap later; a wall time that happens
/// twice (fall-back overlap) means its first occurrence.
/// </summary>
internal static class ZoneMath
{
    /// <summary>Assumes no two offset changes lie within ~3 days of each other (true of every real zone today).</summary>
    public static DateTime ToUtc(DateTime wallTime, Func<DateTime, TimeSpan> offsetAtUtc)
    {
        var local = DateTime.SpecifyKind(wallTime, DateTimeKind.Unspecified);
        var before = OffsetAt(offsetAtUtc, local.AddHours(-36));
        var after = OffsetAt(offsetAtUtc, local.AddHours(36));

        DateTime? best = null;
        TimeSpan[] offsets = before == after ? [before] : [before, after];
        foreach (var offset in offsets)
        {
            var utc = Utc(local - offset);
            if (OffsetAt(offsetAtUtc, utc) == offset && (best is null || utc < best))
            {
                best = utc;
            }
        }

        return best ?? Utc(local - before);
    }

    public static DateTime ToUtc(DateTime wallTime, TimeZoneInfo zone) =>
        ToUtc(wallTime, utc => zone.GetUtcOffset(utc));

    /// <summary>UTC kind: a Local value is converted, an Unspecified one is taken to be UTC already.</summary>
    public static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    /// <summary>Drops sub-second precision (iCalendar and chat both speak in whole seconds).</summary>
    public static DateTime TruncateToSecond(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Kind);

    private static TimeSpan OffsetAt(Func<DateTime, TimeSpan> offsetAtUtc, DateTime instant) =>
        offsetAtUtc(Utc(instant));
}
