namespace IncidentBot.Core.Reviews;

/// <summary>
/// The planner's view of one session: its start, extra capacity, cancelled flag and bookings in slot order
/// (slot 1 first). The caller loads and saves these; the planner changes them in place.
/// </summary>
public sealed class SessionPlan
{
    public SessionPlan()
    {
    }

    public SessionPlan(DateTime startUtc) => StartUtc = ZoneMath.Utc(startUtc);

    public DateTime StartUtc { get; set; }

    /// <summary>Slots added by a facilitator's extension, for this session only.</summary>
    public int ExtraCapacity { get; set; }

    /// <summary>Skipped by a facilitator, or nothing was booked when its agenda froze.</summary>
    public bool Cancelled { get; set; }

    public List<ReviewCandidate> Bookings { get; set; } = [];

    /// <summary>
    /// Two or more incidents that all share a service or a tag: a batch takes only incidents related to all of
    /// them (up to MaxBatchSize, even past the capacity) and nothing unrelated.
    /// </summary>
    public bool IsBatch => Bookings.Count >= 2 && BatchKeys.Count > 0;

    /// <summary>The relation keys (<c>service:x</c>, <c>tag:y</c>) every booking shares; empty when nothing is booked.</summary>
    public IReadOnlySet<string> BatchKeys
    {
        get
        {
            if (Bookings.Count == 0)
            {
                return new HashSet<string>();
            }

            var common = new HashSet<string>(Bookings[0].RelationKeys, StringComparer.Ordinal);
            foreach (var booking in Bookings.Skip(1))
            {
                common.IntersectWith(booking.RelationKeys);
            }

            return common;
        }
    }

    /// <summary>1-based slot of the incident, or null when it is not booked here.</summary>
    public int? SlotOf(long incidentId)
    {
        var index = Bookings.FindIndex(b => b.IncidentId == incidentId);
        return index < 0 ? null : index + 1;
    }
}
