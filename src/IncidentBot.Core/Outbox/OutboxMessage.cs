using IncidentBot.Core.Work;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// One intent for one executor: written in the transaction that made the change, run afterwards by
/// <see cref="OutboxWorker"/>. One row per executor, so Slack succeeding and Teams failing retries only Teams.
/// </summary>
public sealed class OutboxMessage : IWorkItem
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string Executor { get; set; }
    public required string Payload { get; set; }
    public long? IncidentId { get; set; }

    /// <summary>Rows with the same key and executor run strictly in order (posts to one channel keep theirs).</summary>
    public string? OrderingKey { get; set; }

    public WorkStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime DueAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public string? Result { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
}
