namespace IncidentBot.Core.Reviews;

/// <summary>One weekly review meeting the bot has planned (sessions exist once something was booked or decided for them).</summary>
public sealed class ReviewSession
{
    /// <summary>The session's start, in UTC: its identity.</summary>
    public DateTime StartUtc { get; set; }
    public int ExtraCapacity { get; set; }
    public bool Cancelled { get; set; }
    public string? NotetakerKey { get; set; }

    /// <summary>When the agenda (or the cancellation) went out at freeze time.</summary>
    public DateTime? AgendaSentAt { get; set; }

    public List<ReviewBooking> Bookings { get; set; } = [];
}

/// <summary>An incident booked into a session, in slot order.</summary>
public sealed class ReviewBooking
{
    public long IncidentId { get; set; }
    public int Slot { get; set; }
    public string? PresenterKey { get; set; }
    public DateTime BookedAt { get; set; }

    /// <summary>When the presenter said they will present (<c>review present</c>); cleared when the presenter changes.</summary>
    public DateTime? PresenterConfirmedAt { get; set; }
}

/// <summary>The incident's review document as last generated.</summary>
public sealed class ReviewDocument
{
    public long IncidentId { get; set; }
    public required string Markdown { get; set; }
    public DateTime GeneratedAt { get; set; }

    /// <summary>Problems with the custom template (then the built-in one was used), one per line.</summary>
    public string? TemplateErrors { get; set; }

    /// <summary>The sections people write in, as the template declared them; <see cref="Markdown"/> holds a marker for each.</summary>
    public List<Docs.ReviewDocSection> Sections { get; set; } = [];
}

/// <summary>A person's secret calendar-feed link (only its SHA-256 is kept); revoked when they make a new one.</summary>
public sealed class CalendarFeed
{
    public required string PersonKey { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
