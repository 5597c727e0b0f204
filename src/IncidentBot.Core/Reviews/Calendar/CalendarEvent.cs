using System.Globalization;

namespace IncidentBot.Core.Reviews.Calendar;

/// <summary>
/// One VEVENT. <paramref name="Uid"/> must stay the same for the same session across feeds (see
/// <see cref="SessionUid"/>); raise <paramref name="Sequence"/> whenever the event changes.
/// </summary>
public sealed record CalendarEvent(
    string Uid,
    DateTime StartUtc,
    DateTime EndUtc,
    string Summary,
    string? Description,
    string? Url,
    bool Cancelled,
    int Sequence,
    DateTime StampUtc,
    string? Location = null,
    IReadOnlyList<CalendarAttendee>? Attendees = null)
{
    /// <summary>A stable UID for the review session starting at <paramref name="sessionStartUtc"/>: the same input always gives the same UID.</summary>
    public static string SessionUid(DateTime sessionStartUtc, string domain = "incidentbot") =>
        string.Create(CultureInfo.InvariantCulture,
            $"incident-review-{ZoneMath.Utc(sessionStartUtc):yyyyMMdd'T'HHmmss'Z'}@{domain}");
}

/// <summary>Someone invited to a session: an ATTENDEE line (<c>mailto:</c> address, the name as CN).</summary>
public sealed record CalendarAttendee(string Email, string? Name, string Role = CalendarAttendee.Required)
{
    public const string Required = "REQ-PARTICIPANT";
    public const string Chair = "CHAIR";
}
