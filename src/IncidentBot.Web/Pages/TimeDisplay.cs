namespace IncidentBot.Web.Pages;

/// <summary>Times on the pages: in <c>Incidents:TimeZone</c>, to the second.</summary>
internal static class TimeDisplay
{
    public static string Format(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
