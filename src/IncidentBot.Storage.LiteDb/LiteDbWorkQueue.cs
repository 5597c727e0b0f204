using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbWorkQueue(LiteDbDatabase database, LiteDbWriter writer, WorkItemWriter work, UnsettledWorkIndex unsettled)
    : IWorkQueueStore
{
    private const int PurgeChunk = 500;

    /// <summary>On the ack path: grouped with the other accepts waiting, on disk when the task completes.</summary>
    public Task<bool> AcceptAsync(WorkItem item, CancellationToken cancellationToken) =>
        writer.RunGroupedAsync(scope => work.Accept(scope, item), cancellationToken);

    /// <summary>
    /// Nothing runnable in the index means nothing to claim: answered without queueing an empty transaction behind the
    /// accepts. (The index takes a commit's items before its writer's task completes, so work that woke a loop is seen.)
    /// Claims, renewals and retries are the queue's bookkeeping: a power cut that loses one only makes work run again
    /// (or sooner), so they do not wait for the disk (see <see cref="LiteDbWriter.RunAsync{T}"/>). A claim comes each
    /// time a run finishes and frees its slot, so claims share the group commit with the completions and accepts waiting.
    /// </summary>
    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string topic, string owner, DateTime now, TimeSpan lease, int max,
        CancellationToken cancellationToken) =>
        unsettled.SelectRunnable(topic, now, max).Count == 0
            ? []
            : await writer.RunGroupedFirstAsync(scope => work.Claim(scope, topic, owner, now, lease, max), cancellationToken, waitForDisk: false);

    public async Task<IReadOnlyList<long>> RenewAsync(string owner, IReadOnlyCollection<long> ids, DateTime until,
        CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : await writer.RunAsync(scope => work.Renew(scope, owner, ids, until), cancellationToken, waitForDisk: false);

    public Task<bool> RetryAsync(WorkRetry retry, CancellationToken cancellationToken) =>
        writer.RunAsync(scope => work.Retry(scope, retry), cancellationToken, waitForDisk: false);

    public Task<WorkItem?> FindAsync(long id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<WorkItem?>(database.Work.FindById(id));
    }

    /// <summary>
    /// Parked items come from the index in memory. Others are diagnostics: the file keeps no index of statuses, so they
    /// are read in id order until <paramref name="take"/> are found.
    /// </summary>
    public Task<IReadOnlyList<WorkItem>> ListAsync(string? topic, WorkStatus status, int take, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (status == WorkStatus.Parked)
        {
            var ids = new BsonArray(unsettled.Parked(topic, Math.Max(0, take)).Select(id => new BsonValue(id)));
            IReadOnlyList<WorkItem> parked = ids.Count == 0 ? [] : database.Work.Find(LiteDbExpressions.Get("_id IN @0", ids))
                .Where(i => i.Status == WorkStatus.Parked) // retried or discarded since the index was read
                .OrderBy(i => i.Id).ToList();
            return Task.FromResult(parked);
        }

        var query = database.Work.Query().Where("$.Status = @0", status.ToString());
        if (topic is not null)
        {
            query = query.Where("$.Topic = @0", topic);
        }

        IReadOnlyList<WorkItem> items = query.OrderBy("$._id").Limit(Math.Max(0, take)).ToList();
        return Task.FromResult(items);
    }

    public Task<QueueHealth> HealthAsync(DateTime now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parked = unsettled.ParkedCount();
        var (dueNow, oldest) = unsettled.Due(now);
        return Task.FromResult(new QueueHealth(parked, dueNow, oldest));
    }

    public Task<IReadOnlyList<TopicBacklog>> BacklogAsync(DateTime now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parked = unsettled.ParkedByTopic();
        var due = unsettled.DueByTopic(now);
        IReadOnlyList<TopicBacklog> backlog = due.Keys.Union(parked.Keys).Order(StringComparer.Ordinal)
            .Select(t => new TopicBacklog(t, due.GetValueOrDefault(t).DueNow, due.GetValueOrDefault(t).OldestDueAt, parked.GetValueOrDefault(t)))
            .ToList();
        return Task.FromResult(backlog);
    }

    public Task<bool> RetryParkedAsync(long id, DateTime now, CancellationToken cancellationToken) =>
        writer.RunAsync(scope => work.RetryParked(scope, id, now), cancellationToken);

    public Task<bool> DiscardParkedAsync(long id, DateTime now, CancellationToken cancellationToken) =>
        writer.RunAsync(scope => work.DiscardParked(scope, id, now), cancellationToken);

    /// <summary>
    /// Finds the candidates with a read of the whole collection (hourly; the file keeps no index of statuses), then
    /// deletes them in small transactions so a large purge never holds up the writer (and the ack path behind it) for
    /// long; each delete checks the item again.
    /// </summary>
    public async Task<int> PurgeAsync(DateTime before, CancellationToken cancellationToken)
    {
        var ids = database.Work.Query()
            .Where("$.Status = @0 OR $.Status = @1", nameof(WorkStatus.Done), nameof(WorkStatus.Cancelled))
            .Select("{ Id: $._id, At: $.CompletedAt }")
            .ToEnumerable()
            .Where(d => LiteDbMapper.Date(d["At"]) < before)
            .Select(d => d["Id"].AsInt64)
            .ToList();
        var deleted = 0;
        foreach (var chunk in ids.Chunk(PurgeChunk))
        {
            deleted += await writer.RunAsync(scope => work.Purge(scope, chunk, before), cancellationToken);
        }

        return deleted;
    }
}
