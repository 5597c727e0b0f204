namespace IncidentBot.Core.Reviews;

/// <summary>How a booking request ended.</summary>
public enum BookingOutcome
{
    Booked,
    BelowSeverityLine,

    /// <summary>Cancelled or duplicate incidents are never reviewed.</summary>
    NotReviewable,
    AlreadyBooked,
}

/// <summary>
/// The answer to a booking (or a move, or one rebooking of a skip). <paramref name="Slot"/> is 1-based;
/// <paramref name="BacklogWarning"/> is set when, after the booking, the next BacklogWarnSessions open sessions
/// are all full. <paramref name="Reason"/> is a sentence for people.
/// </summary>
public sealed record BookingResult(
    BookingOutcome Outcome,
    DateTime? SessionStartUtc,
    int? Slot,
    bool JoinedBatch,
    bool BacklogWarning,
    string Reason)
{
    /// <summary>The incident the result is about (useful for the list a skip returns).</summary>
    public long IncidentId { get; init; }
}
