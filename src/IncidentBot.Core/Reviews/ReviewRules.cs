namespace IncidentBot.Core.Reviews;

/// <summary>
/// The review-booking rules. <paramref name="Severities"/> is ordered most severe first; incidents less severe
/// than <paramref name="MinimumSeverity"/> are only booked when asked for. Severity names compare case-insensitively.
/// </summary>
public sealed record ReviewRules(
    MeetingSchedule Meeting,
    int SessionCapacity,
    int MaxBatchSize,
    TimeSpan AgendaFreeze,
    IReadOnlyList<string> Severities,
    string MinimumSeverity,
    int BacklogWarnSessions)
{
    public const int DefaultSessionCapacity = 2;
    public const int DefaultMaxBatchSize = 5;
    public const int DefaultBacklogWarnSessions = 2;
    public const string DefaultMinimumSeverity = "SEV3";

    public static readonly TimeSpan DefaultAgendaFreeze = TimeSpan.FromHours(48);

    public static IReadOnlyList<string> DefaultSeverities { get; } = ["SEV1", "SEV2", "SEV3", "SEV4"];

    /// <summary>Capacity 2, batches of up to 5, agenda frozen 48 h ahead, SEV1…SEV4 with the line at SEV3, warn when the next 2 sessions are full.</summary>
    public static ReviewRules WithDefaults(MeetingSchedule meeting) =>
        new(meeting, DefaultSessionCapacity, DefaultMaxBatchSize, DefaultAgendaFreeze, DefaultSeverities,
            DefaultMinimumSeverity, DefaultBacklogWarnSessions);

    /// <summary>0 is the most severe; -1 when the name is not configured.</summary>
    public int RankOf(string? severity)
    {
        for (var i = 0; i < Severities.Count; i++)
        {
            if (string.Equals(Severities[i], severity?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when <paramref name="severity"/> is configured and at least as severe as the line.</summary>
    public bool MeetsSeverityLine(string? severity)
    {
        var rank = RankOf(severity);
        return rank >= 0 && rank <= RankOf(MinimumSeverity);
    }

    /// <summary>Throws <see cref="ArgumentException"/> for settings the planner cannot work with.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Meeting);
        ArgumentNullException.ThrowIfNull(Meeting.Zone);
        if (SessionCapacity < 1)
        {
            throw new ArgumentException("Reviews: SessionCapacity must be at least 1.");
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentException("Reviews: MaxBatchSize must be at least 1.");
        }

        if (AgendaFreeze < TimeSpan.Zero)
        {
            throw new ArgumentException("Reviews: AgendaFreeze cannot be negative.");
        }

        if (Meeting.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("Reviews: the meeting duration must be positive.");
        }

        if (BacklogWarnSessions < 0)
        {
            throw new ArgumentException("Reviews: BacklogWarnSessions cannot be negative (0 turns the warning off).");
        }

        if (Severities is null || Severities.Count == 0)
        {
            throw new ArgumentException("Reviews: at least one severity is needed.");
        }

        if (RankOf(MinimumSeverity) < 0)
        {
            throw new ArgumentException(
                $"Reviews: MinimumSeverity '{MinimumSeverity}' is not one of {string.Join(", ", Severities)}.");
        }
    }
}
