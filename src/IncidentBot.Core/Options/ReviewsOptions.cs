using System.Globalization;
using IncidentBot.Core.Reviews;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

/// <summary>Settings under <c>Reviews</c>: the weekly incident review meeting and how incidents are booked into it.</summary>
public sealed class ReviewsOptions
{
    public const string Section = "Reviews";

    public MeetingOptions Meeting { get; set; } = new();

    /// <summary>Local time (<c>HH:mm</c>, the meeting's time zone) when owners of overdue follow-ups are reminded, once a day. Default 09:00.</summary>
    public string ReminderTime { get; set; } = "09:00";

    public TimeOnly ReminderTimeOfDay => TimeOnly.ParseExact(ReminderTime, "HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Incidents per session (a batch of related incidents fills a session on its own). Default 2.</summary>
    public int SessionCapacity { get; set; } = ReviewRules.DefaultSessionCapacity;

    /// <summary>Most incidents in one batch. Default 5.</summary>
    public int MaxBatchSize { get; set; } = ReviewRules.DefaultMaxBatchSize;

    /// <summary>The agenda is fixed this many hours before the session. Default 48.</summary>
    public double AgendaFreezeHours { get; set; } = ReviewRules.DefaultAgendaFreeze.TotalHours;

    /// <summary>Least severe severity booked automatically. Default SEV3.</summary>
    public string MinimumSeverity { get; set; } = ReviewRules.DefaultMinimumSeverity;

    /// <summary>Warn facilitators when this many coming sessions are full. Default 2.</summary>
    public int BacklogWarnSessions { get; set; } = ReviewRules.DefaultBacklogWarnSessions;

    /// <summary>Slack channel id where agendas and cancellations are posted. Default none.</summary>
    public string? SlackChannel { get; set; }

    /// <summary>Teams channel id (<c>19:…</c>) where agendas and cancellations are posted. Default none.</summary>
    public string? TeamsChannelId { get; set; }

    /// <summary>Review doc template file (docs/review-template-reference.md). Default: the built-in template.</summary>
    public string? TemplatePath { get; set; }

    /// <summary>The Microsoft 365 recurring review meeting to write agendas into (needs <c>Teams:Graph:*</c>). Default: off.</summary>
    public ReviewGraphOptions Graph { get; set; } = new();

    /// <summary>Who sponsors the reviews: <c>Name &lt;address&gt;</c>, an e-mail address or a person key. Invited to every session.</summary>
    public string? Sponsor { get; set; }

    /// <summary>Invited to every session: <c>Name &lt;address&gt;</c>, e-mail addresses or person keys (<c>slack:U…</c>).</summary>
    public List<string> Attendees { get; set; } = [];

    /// <summary>How long before the agenda freezes a presenter whose doc sections are empty is reminded. Default 24.</summary>
    public double PresenterReminderHours { get; set; } = 24;

    /// <summary>The sponsor and attendees with an e-mail address, as calendar invitees (the sponsor first).</summary>
    public IReadOnlyList<Reviews.Calendar.CalendarAttendee> Invitees() =>
        (string.IsNullOrWhiteSpace(Sponsor) ? [] : new[] { Sponsor }).Concat(Attendees)
            .Select(Invitee).OfType<Reviews.Calendar.CalendarAttendee>()
            .DistinctBy(a => a.Email, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary><c>Jane Doe &lt;jane@example.com&gt;</c> or <c>jane@example.com</c>; null for a person key (no address known).</summary>
    internal static Reviews.Calendar.CalendarAttendee? Invitee(string entry)
    {
        var text = entry.Trim();
        var open = text.LastIndexOf('<');
        if (open >= 0 && text.EndsWith('>'))
        {
            var address = text[(open + 1)..^1].Trim();
            var name = text[..open].Trim().Trim('"');
            return IsAddress(address) ? new(address, name.Length == 0 ? null : name) : null;
        }

        return IsAddress(text) ? new(text, null) : null;
    }

    private static bool IsAddress(string text) =>
        text.Length <= 254 && text.IndexOf('@') is > 0 and var at && at < text.Length - 1 && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or ':' or '"');

    public ReviewRules Rules(IncidentsOptions incidents) => new(
        Meeting.Schedule,
        SessionCapacity,
        MaxBatchSize,
        TimeSpan.FromHours(AgendaFreezeHours),
        incidents.SeverityNames,
        incidents.CanonicalSeverity(MinimumSeverity) ?? MinimumSeverity,
        BacklogWarnSessions);
}

public sealed class ReviewGraphOptions
{
    /// <summary>The mailbox (user id or UPN) that owns the recurring meeting.</summary>
    public string? MailboxUserId { get; set; }

    /// <summary>The id of the recurring meeting's series master event.</summary>
    public string? SeriesEventId { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(MailboxUserId) && !string.IsNullOrWhiteSpace(SeriesEventId);
}

public sealed class MeetingOptions
{
    /// <summary>Day of the weekly meeting. Default Tuesday.</summary>
    public DayOfWeek DayOfWeek { get; set; } = DayOfWeek.Tuesday;

    /// <summary>Local start time, <c>HH:mm</c>. Default 16:00.</summary>
    public string Time { get; set; } = "16:00";

    /// <summary>IANA time zone of the meeting; docs render in it too. Default UTC.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Length of the meeting. Default 60.</summary>
    public int DurationMinutes { get; set; } = 60;

    public MeetingSchedule Schedule => new(DayOfWeek, TimeOnly.ParseExact(Time, "HH:mm", CultureInfo.InvariantCulture),
        TimeZoneInfo.FindSystemTimeZoneById(TimeZone), TimeSpan.FromMinutes(DurationMinutes));
}

internal sealed class ReviewsOptionsValidator(IOptions<IncidentsOptions> incidents) : IValidateOptions<ReviewsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewsOptions options)
    {
        var errors = new List<string>();
        var m = options.Meeting;
        if (!TimeOnly.TryParseExact(m.Time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"Reviews:Meeting:Time must be a 24-hour time like 16:00 (got '{m.Time}').");
        }

        if (!IncidentsOptionsValidator.TryZone(m.TimeZone))
        {
            errors.Add($"Reviews:Meeting:TimeZone '{m.TimeZone}' is not a known IANA time zone (for example Europe/Berlin).");
        }

        if (!TimeOnly.TryParseExact(options.ReminderTime, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"Reviews:ReminderTime must be a 24-hour time like 09:00 (got '{options.ReminderTime}').");
        }

        if (m.DurationMinutes is < 5 or > 480)
        {
            errors.Add($"Reviews:Meeting:DurationMinutes must be between 5 and 480 (got {m.DurationMinutes}).");
        }

        if (options.SessionCapacity < 1)
        {
            errors.Add("Reviews:SessionCapacity must be at least 1.");
        }

        if (options.MaxBatchSize < 2)
        {
            errors.Add("Reviews:MaxBatchSize must be at least 2.");
        }

        if (options.AgendaFreezeHours is < 0 or > 24 * 6)
        {
            errors.Add("Reviews:AgendaFreezeHours must be between 0 and 144 (less than a week).");
        }

        if (options.BacklogWarnSessions < 0)
        {
            errors.Add("Reviews:BacklogWarnSessions must not be negative.");
        }

        if (Severities() is { } severities && severities.CanonicalSeverity(options.MinimumSeverity) is null)
        {
            errors.Add($"Reviews:MinimumSeverity '{options.MinimumSeverity}' is not one of Incidents:Severities ({string.Join(", ", severities.SeverityNames)}).");
        }

        foreach (var (entry, setting) in options.Attendees.Select((a, i) => ((string?)a, $"Reviews:Attendees:{i}")).Prepend((options.Sponsor, "Reviews:Sponsor")))
        {
            if (!string.IsNullOrWhiteSpace(entry) && ReviewsOptions.Invitee(entry) is null && !Domain.PersonKey.IsValid(entry.Trim()))
            {
                errors.Add($"{setting} '{entry}' is neither an e-mail address (jane@example.com, or Jane Doe <jane@example.com>) nor a person key (slack:U…, teams:<id>, console:<name>).");
            }
        }

        if (options.PresenterReminderHours is < 0 or > 24 * 14)
        {
            errors.Add($"Reviews:PresenterReminderHours must be between 0 and 336 (got {options.PresenterReminderHours}).");
        }

        if (string.IsNullOrWhiteSpace(options.Graph.MailboxUserId) != string.IsNullOrWhiteSpace(options.Graph.SeriesEventId))
        {
            errors.Add("Reviews:Graph:MailboxUserId and Reviews:Graph:SeriesEventId must be set together.");
        }

        if (options.TeamsChannelId is { Length: > 0 } teams && !teams.StartsWith("19:", StringComparison.Ordinal))
        {
            errors.Add($"Reviews:TeamsChannelId must be a Teams channel id starting with '19:' (got '{teams}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// The severities, or null when the Incidents settings are themselves wrong: that section reports its own errors,
    /// and the Reviews errors must not be lost behind them.
    /// </summary>
    private IncidentsOptions? Severities()
    {
        try
        {
            return incidents.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}
