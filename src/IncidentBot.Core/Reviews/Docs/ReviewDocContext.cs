using IncidentBot.Core.Features;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// What an incident review document is made from. <paramref name="Zone"/> is the review meeting's zone: every time
/// in the document is shown in it. <paramref name="SeverityOrder"/> lists severities most severe first (used for
/// the highest severity the incident reached). <paramref name="IncidentUrl"/> becomes a link only if it is http(s).
/// </summary>
public sealed record ReviewDocContext(
    IncidentDetails Incident,
    TimeZoneInfo Zone,
    string? IncidentUrl,
    DateTime GeneratedAtUtc,
    IReadOnlyList<string> SeverityOrder);

/// <summary>
/// The document, and the problems found in the custom template: empty when the custom template (or none) was used
/// as given; when not empty the document was rendered from <see cref="ReviewDocTemplate.Default"/> instead.
/// <paramref name="Markdown"/> holds a marker for each of <paramref name="Sections"/> (<see cref="ReviewDocSections.Compose"/>).
/// </summary>
public sealed record ReviewDocResult(string Markdown, IReadOnlyList<string> TemplateErrors, IReadOnlyList<ReviewDocSection> Sections)
{
    /// <summary>True when a custom template was given but could not be used.</summary>
    public bool FellBackToDefault => TemplateErrors.Count > 0;
}
