using System.Globalization;
using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Features;

/// <summary>
/// Sentences the bot says about incidents, in plain text, shared by every platform (each adapter escapes and
/// formats them its own way). Private incidents are described without their title where strangers read.
/// </summary>
public static class IncidentTexts
{
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        if (span.TotalMinutes < 1)
        {
            return $"{(int)span.TotalSeconds}s";
        }

        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add($"{span.Days}d");
        }

        if (span.Hours > 0)
        {
            parts.Add($"{span.Hours}h");
        }

        if (span.Minutes > 0 && span.Days == 0)
        {
            parts.Add($"{span.Minutes}m");
        }

        return string.Join(" ", parts);
    }

    public static string ResolutionSummary(Incident incident)
    {
        var resolved = incident.ResolvedAt ?? incident.ClosedAt ?? incident.DeclaredAt;
        var start = incident.ImpactStartedAt is { } s && s < incident.DeclaredAt ? s : incident.DeclaredAt;
        var lines = new List<string>
        {
            $"{incident.Reference} resolved after {Duration(resolved - incident.DeclaredAt)} (declared {incident.DeclaredAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC).",
        };
        if (incident.ImpactStartedAt is not null)
        {
            lines.Add($"Impact lasted {Duration(resolved - start)}.");
        }

        if (incident.IdentifiedAt is { } identified)
        {
            lines.Add($"Time to identify: {Duration(identified - incident.DeclaredAt)}; to mitigate: {Duration((incident.MitigatedAt ?? resolved) - incident.DeclaredAt)}.");
        }

        if (!string.IsNullOrWhiteSpace(incident.Summary))
        {
            lines.Add($"Summary: {incident.Summary}");
        }

        return string.Join("\n", lines);
    }

    /// <summary>What the announcements channel reads. A private incident keeps its title and details out of it.</summary>
    public static string Announcement(IncidentSummary incident, Outbox.AnnouncementKind kind, string? text)
    {
        var subject = incident.IsPrivate ? $"{incident.Reference} (private)" : $"{incident.Reference} {incident.Title}";
        var detail = incident.IsPrivate || string.IsNullOrWhiteSpace(text) ? string.Empty : $": {text}";
        var lead = incident.Lead is null || incident.IsPrivate ? string.Empty : $" · {incident.LeadRole}: {incident.Lead.Name}";
        return kind switch
        {
            Outbox.AnnouncementKind.Declared => $"Declared {incident.Severity} · {subject}{lead}",
            Outbox.AnnouncementKind.SeverityChanged => $"{subject} is now {incident.Severity}",
            Outbox.AnnouncementKind.StatusChanged => $"{subject} is {incident.Status.ToWord()}{detail}",
            Outbox.AnnouncementKind.Update => $"Update on {subject}{detail}",
            Outbox.AnnouncementKind.Resolved => $"Resolved · {subject}{detail}",
            Outbox.AnnouncementKind.Cancelled => $"Cancelled · {subject}{detail}",
            Outbox.AnnouncementKind.Duplicate => $"{subject} is a duplicate{(string.IsNullOrWhiteSpace(text) ? string.Empty : $" of {text}")}",
            Outbox.AnnouncementKind.Reopened => $"Reopened · {subject} ({incident.Severity})",
            _ => subject,
        };
    }
}
