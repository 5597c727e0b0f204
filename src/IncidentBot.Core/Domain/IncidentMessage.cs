namespace IncidentBot.Core.Domain;

/// <summary>
/// A message the bot posted and keeps current on a platform (the status card, the announcement, the channel
/// topic it last set), so that updates edit it in place and a replay finds it instead of posting again.
/// </summary>
public sealed class IncidentMessage
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Platform { get; set; }

    /// <summary><c>card</c>, <c>announcement</c>, <c>topic</c> …; one of each per incident and platform.</summary>
    public required string Kind { get; set; }

    public required string ConversationId { get; set; }

    /// <summary>The platform's message id (Slack <c>ts</c>, Teams activity id), or the last value set (topic).</summary>
    public required string MessageId { get; set; }

    public DateTime UpdatedAt { get; set; }
}
