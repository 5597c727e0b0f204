using IcalCalendar = Ical.Net.Calendar;
using IcalEvent = Ical.Net.CalendarComponents.CalendarEvent;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace IncidentBot.Core.Reviews.Calendar;

/// <summary>
/// An RFC 5545 calendar (METHOD:PUBLISH feed) of review sessions, written by Ical.Net. With a zone other than UTC,
/// times are <c>DTSTART;TZID=&lt;IANA id&gt;:local</c> and the calendar carries that zone's VTIMEZONE, from the
/// time zone database, covering the events' years. Without a zone (or with UTC, or a zone the database does not
/// know) times are written in the UTC form <c>…Z</c>.
/// </summary>
public static class CalendarFile
{
    public const string ProductId = "-//IncidentBot//Incident reviews//EN";

    private static readonly HashSet<string> UtcIds = new(StringComparer.OrdinalIgnoreCase)
    {
        "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
        "Coordinated Universal Time", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "Greenwich", "Etc/Greenwich",
    };

    public static string Write(IReadOnlyList<CalendarEvent> events, string calendarName, TimeZoneInfo? zone)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Check(e);
        }

        var local = zone is not null && !IsUtc(zone) ? zone : null;
        var tzid = local is null ? null : IanaId(local);
        if (tzid is not null && NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid) is null)
        {
            // Readers resolve a TZID by its IANA name; one the database does not know would be read as floating time.
            (local, tzid) = (null, null);
        }

        var calendar = new IcalCalendar { ProductId = ProductId, Method = "PUBLISH", Scale = "GREGORIAN" };
        calendar.AddProperty("X-WR-CALNAME", calendarName ?? string.Empty);
        if (tzid is not null)
        {
            calendar.AddProperty("X-WR-TIMEZONE", tzid);
            if (events.Count > 0)
            {
                // From a year before the first event, so that the observance in force at the first event is included.
                var earliest = events.Min(e => ZoneMath.Utc(e.StartUtc)).AddYears(-1);
                calendar.AddTimeZone(VTimeZone.FromDateTimeZone(tzid, earliest, includeHistoricalData: true));
            }
        }

        foreach (var e in events)
        {
            var vevent = new IcalEvent
            {
                Uid = e.Uid,
                DtStamp = Utc(e.StampUtc),
                DtStart = Time(e.StartUtc, local, tzid),
                DtEnd = Time(e.EndUtc, local, tzid),
                Summary = e.Summary ?? string.Empty,
                Description = e.Description,
                Location = e.Location,
                Status = e.Cancelled ? "CANCELLED" : "CONFIRMED",
                Sequence = e.Sequence,
            };
            if (!string.IsNullOrWhiteSpace(e.Url) && Uri.TryCreate(WithoutControls(e.Url.Trim()), UriKind.Absolute, out var url))
            {
                vevent.Url = url;
            }

            foreach (var attendee in e.Attendees ?? [])
            {
                vevent.Attendees.Add(new Attendee("mailto:" + attendee.Email)
                {
                    CommonName = string.IsNullOrWhiteSpace(attendee.Name) ? null : WithoutControls(attendee.Name).Replace("\"", "'", StringComparison.Ordinal),
                    Role = attendee.Role,
                    ParticipationStatus = "NEEDS-ACTION",
                });
            }

            calendar.Events.Add(vevent);
        }

        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    internal static bool IsUtc(TimeZoneInfo zone) =>
        zone.Id == TimeZoneInfo.Utc.Id
        || (UtcIds.Contains(zone.Id) && zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime);

    internal static string IanaId(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id
        : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana
        : zone.Id;

    private static void Check(CalendarEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (string.IsNullOrWhiteSpace(e.Uid))
        {
            throw new ArgumentException("A calendar event needs a UID.", nameof(e));
        }

        if (ZoneMath.TruncateToSecond(e.EndUtc) <= ZoneMath.TruncateToSecond(e.StartUtc))
        {
            throw new ArgumentException($"Event {e.Uid} ends before it starts.", nameof(e));
        }

        if (e.Sequence < 0)
        {
            throw new ArgumentException($"Event {e.Uid} has a negative SEQUENCE.", nameof(e));
        }
    }

    private static CalDateTime Utc(DateTime value) => new(ZoneMath.TruncateToSecond(ZoneMath.Utc(value)), hasTime: true);

    /// <summary>
    /// TZID form when the zone is given and the wall time reads back as the same instant; the UTC form otherwise
    /// (the second occurrence of a repeated wall time cannot be written with TZID).
    /// </summary>
    private static CalDateTime Time(DateTime utcValue, TimeZoneInfo? zone, string? tzid)
    {
        var utc = ZoneMath.TruncateToSecond(ZoneMath.Utc(utcValue));
        if (zone is not null)
        {
            var wall = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
            if (ZoneMath.ToUtc(wall, zone) == utc)
            {
                return new CalDateTime(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), tzid, hasTime: true);
            }
        }

        return new CalDateTime(utc, hasTime: true);
    }

    private static string WithoutControls(string value) => string.Concat(value.Where(c => !char.IsControl(c)));
}
