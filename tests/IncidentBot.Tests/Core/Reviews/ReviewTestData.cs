using IncidentBot.Core.Reviews;

namespace IncidentBot.Tests.Core.Reviews;

/// <summary>
/// Weekly review on Tuesdays 16:00 Europe/Berlin (15:00Z in winter). "Now" is Tuesday 2026-11-10 17:00Z, after
/// that day's session, so the first open session is 2026-11-17 (frozen from 2026-11-15 15:00Z), then 11-24, 12-01 …
/// </summary>
internal static class ReviewTestData
{
    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static readonly DateTime Now = Utc(2026, 11, 10, 17, 0);

    public static readonly DateTime Week1 = Utc(2026, 11, 17, 15, 0);
    public static readonly DateTime Week2 = Utc(2026, 11, 24, 15, 0);
    public static readonly DateTime Week3 = Utc(2026, 12, 1, 15, 0);
    public static readonly DateTime Week4 = Utc(2026, 12, 8, 15, 0);
    public static readonly DateTime Week5 = Utc(2026, 12, 15, 15, 0);

    public static readonly DateOnly Week1Date = new(2026, 11, 17);
    public static readonly DateOnly Week2Date = new(2026, 11, 24);
    public static readonly DateOnly Week3Date = new(2026, 12, 1);

    public static MeetingSchedule Meeting(TimeZoneInfo? zone = null, DayOfWeek day = DayOfWeek.Tuesday, int hour = 16, int minute = 0) =>
        new(day, new TimeOnly(hour, minute), zone ?? Berlin, TimeSpan.FromMinutes(60));

    public static ReviewRules Rules(int capacity = 2, int maxBatch = 5, int warnSessions = 2) =>
        ReviewRules.WithDefaults(Meeting()) with
        {
            SessionCapacity = capacity,
            MaxBatchSize = maxBatch,
            BacklogWarnSessions = warnSessions,
        };

    public static ReviewCandidate Incident(
        long id, string severity = "SEV2", string? service = null, string[]? tags = null, bool cancelled = false) =>
        new(id, (int)id + 100, severity, service, tags ?? [], cancelled, Now.AddHours(-1), $"console:commander{id}");

    public static DateTime Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    public static SessionPlan At(IList<SessionPlan> sessions, DateTime startUtc) =>
        Assert.Single(sessions, s => s.StartUtc == startUtc);

    public static long[] Ids(SessionPlan session) => [.. session.Bookings.Select(b => b.IncidentId)];
}
