using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;

namespace IncidentBot.Web.Pages;

/// <summary>
/// The one badge palette of every page (colours in the layout): severity by rank, most severe first, and status by
/// what it means for responders: red while unexplained, amber once identified, blue while watched, green when
/// resolved, grey when it ended without a fix (cancelled, duplicate).
/// </summary>
public static class Badges
{
    /// <summary>Ranks past the palette share its last colour; a severity no longer configured gets the neutral one.</summary>
    public static string Severity(IncidentsOptions options, string severity)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rank = options.RankOf(severity);
        return rank < 0 ? "badge" : $"badge sev-{Math.Min(rank, 3)}";
    }

    public static string Status(IncidentStatus status) => $"badge st-{status.ToWord()}";
}
