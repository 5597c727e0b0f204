using IncidentBot.Core.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The one writer: a dedicated thread that runs every write in a synchronous transaction, one writer at a time.
/// Groupable requests (queue accepts, claims and completions, incident changes) that are waiting together share one
/// transaction, so a burst of deliveries costs one commit per batch instead of one per delivery. A caller hears of its
/// write once the log is flushed to disk after it: a thread of its own flushes once for every batch committed
/// meanwhile, while the writer goes on.
/// </summary>
internal sealed class LiteDbWriter : IDisposable
{
    private const int MaxBatch = 256;

    private readonly LiteDatabase _db;
    private readonly Action _flushLogToDisk;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly HandOffQueue<WriteRequest> _requests = new();
    private readonly HandOffQueue<List<WriteRequest>> _committed = new();
    private readonly Thread _thread;
    private readonly Thread _flusher;

    public LiteDbWriter(LiteDatabase db, Action flushLogToDisk, TimeProvider clock, ILogger logger)
    {
        _db = db;
        _flushLogToDisk = flushLogToDisk;
        _clock = clock;
        _logger = logger;
        _thread = new Thread(Loop) { IsBackground = true, Name = "LiteDB writer" };
        _flusher = new Thread(Flush) { IsBackground = true, Name = "LiteDB log flusher" };
        _thread.Start();
        _flusher.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own; its exception rolls everything back. The task completes
    /// once the transaction is on disk (the log flushed after it), or, with <paramref name="waitForDisk"/> false, at
    /// commit: for the work queue's bookkeeping (claims, completions), whose loss in a power cut only makes work run
    /// again, as a crash does. What must not happen twice waits: Slack and Teams posts write down their attempt first
    /// (ADR 8), and that flush covers every commit before it, the bookkeeping included.
    /// </summary>
    public Task<T> RunAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken, bool waitForDisk = true) =>
        Enqueue(new WriteRequest<T>(work, WriteKind.Alone, waitForDisk), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction shared with the other groupable requests waiting, after those
    /// queued before it (it sees their writes). A throw rolls the shared transaction back and makes each request of the
    /// batch run again alone, so a request that may throw must write nothing outside the transaction and set its
    /// caller's objects only as it commits (<see cref="WriteScope.AfterCommit"/>). On disk as with
    /// <see cref="RunAsync{T}"/>.
    /// </summary>
    public Task<T> RunGroupedAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken, bool waitForDisk = true) =>
        Enqueue(new WriteRequest<T>(work, WriteKind.Grouped, waitForDisk), cancellationToken);

    /// <summary>
    /// As <see cref="RunGroupedAsync{T}"/>, for work that reads state the writes apply to memory only as they commit (a
    /// claim reads the unsettled-work index): it runs first in the shared transaction, one such request per transaction,
    /// so it reads what is committed and nothing of its neighbours' writes.
    /// </summary>
    public Task<T> RunGroupedFirstAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken, bool waitForDisk = true) =>
        Enqueue(new WriteRequest<T>(work, WriteKind.GroupedFirst, waitForDisk), cancellationToken);

    private Task<T> Enqueue<T>(WriteRequest<T> request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_requests.TryAdd(request))
        {
            throw new ObjectDisposedException(nameof(LiteDbWriter), "The LiteDB store is closed.");
        }

        return request.Task;
    }

    private void Loop()
    {
        var batch = new List<WriteRequest>(MaxBatch);
        var group = new List<WriteRequest>(MaxBatch);
        while (_requests.TakeBatch(batch, MaxBatch))
        {
            var committed = new List<WriteRequest>(batch.Count);
            var leader = batch.FindIndex(r => r.Kind == WriteKind.GroupedFirst);
            if (leader >= 0)
            {
                group.Add(batch[leader]);
            }

            foreach (var request in batch)
            {
                if (request.Kind == WriteKind.Grouped)
                {
                    group.Add(request);
                }
            }

            if (group.Count > 1)
            {
                RunGroup(group, committed);
            }
            else if (group.Count == 1)
            {
                RunAlone(group[0], committed);
            }

            // The rest alone, in order: another request that must run first in its transaction runs first in its own.
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Kind == WriteKind.Alone || (batch[i].Kind == WriteKind.GroupedFirst && i != leader))
                {
                    RunAlone(batch[i], committed);
                }
            }

            if (committed.Count > 0)
            {
                _committed.TryAdd(committed);
            }

            batch.Clear();
            group.Clear();
        }

        _committed.Complete();
    }

    private void RunGroup(List<WriteRequest> group, List<WriteRequest> committed)
    {
        WriteScope scope;
        try
        {
            scope = Transact(scope =>
            {
                foreach (var request in group)
                {
                    request.Apply(scope);
                }
            });
        }
        catch (Exception e)
        {
            // One bad request must not fail its neighbours: each runs again in a transaction of its own. A conflict
            // (a stale incident version, a message captured twice) is an answer, not a fault.
            _logger.Log(e is StoreConflictException ? LogLevel.Debug : LogLevel.Warning, e,
                "A grouped LiteDB write of {Count} requests failed; running them one by one", group.Count);
            foreach (var request in group)
            {
                RunAlone(request, committed);
            }

            return;
        }

        Committed(scope, group, committed);
    }

    private void RunAlone(WriteRequest request, List<WriteRequest> committed)
    {
        WriteScope scope;
        try
        {
            scope = Transact(request.Apply);
        }
        catch (Exception e)
        {
            request.Fail(e);
            return;
        }

        Committed(scope, [request], committed);
    }

    /// <summary>
    /// Applies the transaction's effects on memory at once, so the next transaction sees them; its requests wait for
    /// the flush of the log that follows (<see cref="Flush"/>), unless they need not.
    /// </summary>
    private static void Committed(WriteScope scope, List<WriteRequest> requests, List<WriteRequest> committed)
    {
        try
        {
            scope.Committed();
        }
        catch (Exception e)
        {
            foreach (var request in requests)
            {
                request.Fail(e);
            }

            return;
        }

        foreach (var request in requests)
        {
            if (request.WaitForDisk)
            {
                committed.Add(request);
            }
            else
            {
                request.Succeed();
            }
        }
    }

    /// <summary>
    /// Flushes the log for every batch committed since the last flush, then their callers hear they are stored. It runs
    /// beside the writer, which goes on with the next batch meanwhile: LiteDB's commit has handed its pages to the
    /// operating system by the time a batch gets here, so a flush begun afterwards covers them.
    /// </summary>
    private void Flush()
    {
        var batches = new List<List<WriteRequest>>();
        while (_committed.TakeBatch(batches, int.MaxValue))
        {
            try
            {
                _flushLogToDisk();
            }
            catch (Exception e)
            {
                // Committed in LiteDB but perhaps not on disk: nobody may be told it is stored (a sender will retry,
                // and finds what did survive).
                _logger.LogError(e, "Flushing the LiteDB log to disk failed; {Count} writes are reported failed", batches.Sum(b => b.Count));
                batches.ForEach(batch => batch.ForEach(request => request.Fail(e)));
                batches.Clear();
                continue;
            }

            batches.ForEach(batch => batch.ForEach(request => request.Succeed()));
            batches.Clear();
        }
    }

    /// <summary>Commits <paramref name="body"/>; the scope's after-commit effects are left to the caller.</summary>
    private WriteScope Transact(Action<WriteScope> body)
    {
        var scope = new WriteScope(_clock.GetUtcNow().UtcDateTime);
        LiteDbTransaction.Run(_db, () => body(scope));
        return scope;
    }

    public void Dispose()
    {
        _requests.Complete();
        if (Thread.CurrentThread != _thread && Thread.CurrentThread != _flusher)
        {
            _thread.Join();
            _flusher.Join();
        }
    }

    private enum WriteKind
    {
        Alone,
        Grouped,
        GroupedFirst,
    }

    private abstract class WriteRequest(WriteKind kind, bool waitForDisk)
    {
        public WriteKind Kind { get; } = kind;
        public bool WaitForDisk { get; } = waitForDisk;
        public abstract void Apply(WriteScope scope);
        public abstract void Succeed();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteRequest<T>(Func<WriteScope, T> work, WriteKind kind, bool waitForDisk) : WriteRequest(kind, waitForDisk)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override void Apply(WriteScope scope) => _result = work(scope);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception error) => _completion.TrySetException(error);
    }
}
