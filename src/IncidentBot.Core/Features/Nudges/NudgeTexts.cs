using System.Globalization;
using System.Text.RegularExpressions;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;

namespace IncidentBot.Core.Features.Nudges;

/// <summary>The words of nudges and briefings, and the snooze lengths every surface offers on a nudge.</summary>
public static partial class NudgeTexts
{
    /// <summary>The longest snooze: a nudge put off for longer than a week is a nudge switched off, which is a setting.</summary>
    public static readonly TimeSpan MaxSnooze = TimeSpan.FromDays(7);

    /// <summary>The snoozes a nudge's message offers as buttons, shortest first.</summary>
    public static IReadOnlyList<TimeSpan> SnoozeChoices(NudgeKind kind) => kind == NudgeKind.UpdateReminder
        ? [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)]
        : [TimeSpan.FromHours(4), TimeSpan.FromDays(1)];

    /// <summary>The word for a kind in commands and stored names (<c>update</c>, <c>stale</c>).</summary>
    public static string Word(NudgeKind kind) => kind == NudgeKind.UpdateReminder ? "update" : "stale";

    public static NudgeKind? KindOf(string? word) => word?.ToLowerInvariant() switch
    {
        "update" or "reminder" => NudgeKind.UpdateReminder,
        "stale" => NudgeKind.Stale,
        _ => null,
    };

    /// <summary>A short length as people say it: <c>15 min</c>, <c>1 h</c>, <c>1 h 30 min</c>, <c>2 days</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0)
        {
            var days = (int)span.TotalDays;
            return days == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{days} days");
        }

        var hours = (int)span.TotalHours;
        var minutes = span.Minutes;
        return (hours, minutes) switch
        {
            (0, _) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))} min"),
            (_, 0) => string.Create(CultureInfo.InvariantCulture, $"{hours} h"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{hours} h {minutes} min"),
        };
    }

    /// <summary>Reads a snooze length as typed: <c>30m</c>, <c>45min</c>, <c>2h</c>, <c>1d</c>. False for anything else.</summary>
    public static bool TryParseSnooze(string? text, out TimeSpan length)
    {
        length = TimeSpan.Zero;
        var match = SnoozePattern().Match(text?.Trim() ?? string.Empty);
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0)
        {
            return false;
        }

        length = char.ToLowerInvariant(match.Groups["unit"].Value[0]) switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return true;
    }

    public static string UpdateReminder(Incident incident, TimeSpan since, string leadRole, bool hasLead) =>
        hasLead
            ? $"{incident.Reference} ({incident.Severity}) has had no update for {Duration(since)}. Post one for stakeholders: {ChatMarkup.Command("update …")}"
            : $"{incident.Reference} ({incident.Severity}) has had no update for {Duration(since)}, and no {leadRole} to post one. "
              + $"Take the role ({ChatMarkup.Command($"role {leadRole} me")}) or post an update: {ChatMarkup.Command("update …")}";

    public static string Stale(Incident incident, TimeSpan since) =>
        $"{incident.Reference} has been quiet for {Duration(since)} and is still {incident.Status.ToWord()}. "
        + $"Is it over? {ChatMarkup.Command("resolve …")} it, post where it stands ({ChatMarkup.Command("update …")}), or snooze this.";

    public static string Briefing(Incident incident, string role, string briefing) =>
        $"You are now the {role} of {incident.Reference} ({incident.Severity}: {incident.Title}). {briefing}";

    public static string Snoozed(Incident incident, IReadOnlyList<NudgeKind> kinds, TimeSpan length) =>
        kinds.Count == 1
            ? $"Snoozed: {(kinds[0] == NudgeKind.UpdateReminder ? "the update reminder" : "the quiet-incident nudge")} of {incident.Reference} comes back in {Duration(length)} at the earliest."
            : $"Snoozed: {incident.Reference}'s nudges come back in {Duration(length)} at the earliest.";

    [GeneratedRegex(@"^(?<n>\d{1,4})\s?(?<unit>m|mins?|minutes?|h|hrs?|hours?|d|days?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SnoozePattern();
}
