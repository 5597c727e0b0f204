namespace IncidentBot.Core.Domain;

/// <summary>
/// Fixed lifecycle states. The first four are the normal path; <see cref="Cancelled"/> (false alarm)
/// and <see cref="Duplicate"/> end an incident without a review.
/// </summary>
public enum IncidentStatus
{
    Investigating = 0,
    Identified = 1,
    Monitoring = 2,
    Resolved = 3,
    Cancelled = 4,
    Duplicate = 5,
}

public static class IncidentStatusExtensions
{
    /// <summary>Resolved, cancelled and duplicate incidents are closed; reopen brings them back.</summary>
    public static bool IsClosed(this IncidentStatus status) =>
        status is IncidentStatus.Resolved or IncidentStatus.Cancelled or IncidentStatus.Duplicate;

    public static string ToWord(this IncidentStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>"open", "done", "won't do".</summary>
    public static string ToWord(this ActionItemStatus status) => status == ActionItemStatus.WontDo ? "won't do" : status.ToString().ToLowerInvariant();
}
