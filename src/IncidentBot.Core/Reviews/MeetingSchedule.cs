using System.Globalization;

namespace IncidentBot.Core.Reviews;

/// <summary>
/// The weekly review meeting: every <paramref name="Day"/> at <paramref name="LocalTime"/> wall time in
/// <paramref name="Zone"/> (IANA id), lasting <paramref name="Duration"/>. Instants are UTC; because the wall time is
/// fixed, the UTC time of the meeting moves when the zone changes between standard and daylight time.
/// </summary>
public sealed record MeetingSchedule(DayOfWeek Day, TimeOnly LocalTime, TimeZoneInfo Zone, TimeSpan Duration)
{
    /// <summary>
    /// Session starts (UTC, ascending, endless: take what you need) with start &gt;= <paramref name="fromUtc"/>.
    /// A wall time that does not exist that day (spring-forward gap) is shifted forward by the gap; one that
    /// happens twice (fall-back) is its first occurrence.
    /// </summary>
    public IEnumerable<DateTime> StartsFrom(DateTime fromUtc)
    {
        var from = ZoneMath.Utc(fromUtc);
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(from, Zone));
        date = date > DateOnly.MinValue.AddDays(7) ? date.AddDays(-7) : DateOnly.MinValue;
        while (date.DayOfWeek != Day)
        {
            date = date.AddDays(1);
        }

        var last = DateOnly.MaxValue.AddDays(-8);
        for (; date <= last; date = date.AddDays(7))
        {
            var start = StartOnMeetingDay(date);
            if (start >= from)
            {
                yield return start;
            }
        }
    }

    /// <summary>The first <paramref name="count"/> starts from <paramref name="fromUtc"/> onward.</summary>
    public IReadOnlyList<DateTime> StartsFrom(DateTime fromUtc, int count) => [.. StartsFrom(fromUtc).Take(count)];

    /// <summary>Wall time of an instant in <see cref="Zone"/>.</summary>
    public DateTime LocalStart(DateTime startUtc) => TimeZoneInfo.ConvertTimeFromUtc(ZoneMath.Utc(startUtc), Zone);

    /// <summary>The local calendar date of an instant in <see cref="Zone"/>.</summary>
    public DateOnly LocalDate(DateTime startUtc) => DateOnly.FromDateTime(LocalStart(startUtc));

    /// <summary>The start (UTC) of the session held on <paramref name="localDate"/>, or null when that date is not a meeting day.</summary>
    public DateTime? StartOn(DateOnly localDate) => localDate.DayOfWeek == Day ? StartOnMeetingDay(localDate) : null;

    public DateTime EndOf(DateTime startUtc) => ZoneMath.Utc(startUtc) + Duration;

    /// <summary>"Tuesdays 16:00 Europe/Berlin", for messages.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Day}s {LocalTime:HH\\:mm} {Zone.Id}");

    private DateTime StartOnMeetingDay(DateOnly date) => ZoneMath.ToUtc(date.ToDateTime(LocalTime), Zone);
}
