using IncidentBot.Core.Work;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// Something a platform delivered (a slash command, an event, a button click), stored before it is acknowledged.
/// (<see cref="Source"/>, <see cref="ExternalId"/>) is unique, so a retried or duplicated delivery is dropped.
/// </summary>
public sealed class InboxMessage : IWorkItem
{
    public long Id { get; set; }

    /// <summary>The platform: <c>slack</c>, <c>teams</c>.</summary>
    public required string Source { get; set; }

    /// <summary>The platform's id for the delivery (Slack <c>event_id</c> or <c>trigger_id</c>, a Teams activity id).</summary>
    public required string ExternalId { get; set; }

    /// <summary>What it is, for the processor: <c>command</c>, <c>event</c>, <c>interaction</c> …</summary>
    public required string Kind { get; set; }

    public required string Payload { get; set; }

    /// <summary>Deliveries with the same key (a channel, a conversation) are applied strictly in arrival order.</summary>
    public string? OrderingKey { get; set; }

    public DateTime ReceivedAt { get; set; }
    public WorkStatus Status { get; set; }
    public DateTime DueAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
}

/// <summary>Turns one stored delivery into MediatR requests and replies. Registered per source.</summary>
public interface IInboxProcessor
{
    string Source { get; }

    Task ProcessAsync(InboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Names a source that has a processor; lets the singleton worker know without resolving scoped processors.</summary>
public sealed record InboxSource(string Name);

/// <summary>Wakes the inbox worker when a delivery was stored.</summary>
public sealed class InboxSignal : WorkSignal;
