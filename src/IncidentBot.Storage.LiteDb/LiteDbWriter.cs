using System.Collections.Concurrent;
using IncidentBot.Core.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The one writer: a dedicated thread that runs every write in a synchronous transaction, one writer at a time.
/// Groupable requests (queue accepts) that are waiting together share one transaction, so a burst of deliveries
/// costs one commit per batch instead of one per delivery; each caller's task completes only after that commit and
/// the flush of the log to disk that follows every batch.
/// </summary>
internal sealed class LiteDbWriter : IDisposable
{
    private const int MaxBatch = 256;

    private readonly LiteDatabase _db;
    private readonly Action _flushLogToDisk;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly BlockingCollection<WriteRequest> _requests = [];
    private readonly Thread _thread;

    public LiteDbWriter(LiteDatabase db, Action flushLogToDisk, TimeProvider clock, ILogger logger)
    {
        _db = db;
        _flushLogToDisk = flushLogToDisk;
        _clock = clock;
        _logger = logger;
        _thread = new Thread(Loop) { IsBackground = true, Name = "LiteDB writer" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own; its exception rolls everything back.</summary>
    public Task<T> RunAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken) =>
        Enqueue(new WriteRequest<T>(work, groupable: false), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction shared with the other groupable requests waiting, after those
    /// queued before it (it sees their writes). A throw rolls the shared transaction back and makes each request of the
    /// batch run again alone, so a request that may throw must write nothing outside the transaction and set its
    /// caller's objects only as it commits (<see cref="WriteScope.AfterCommit"/>).
    /// </summary>
    public Task<T> RunGroupedAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken) =>
        Enqueue(new WriteRequest<T>(work, groupable: true), cancellationToken);

    private Task<T> Enqueue<T>(WriteRequest<T> request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _requests.Add(request, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(LiteDbWriter), "The LiteDB store is closed.");
        }

        return request.Task;
    }

    private void Loop()
    {
        var batch = new List<WriteRequest>(MaxBatch);
        var group = new List<WriteRequest>(MaxBatch);
        var committed = new List<WriteRequest>(MaxBatch);
        foreach (var first in _requests.GetConsumingEnumerable())
        {
            batch.Clear();
            group.Clear();
            committed.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _requests.TryTake(out var next))
            {
                batch.Add(next);
            }

            foreach (var request in batch)
            {
                if (request.Groupable)
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

            foreach (var request in batch)
            {
                if (!request.Groupable)
                {
                    RunAlone(request, committed);
                }
            }

            Succeed(committed);
        }
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
    /// the batch's flush (<see cref="Succeed"/>).
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

        committed.AddRange(requests);
    }

    /// <summary>One flush of the log for every transaction of the batch, then their callers hear they are stored.</summary>
    private void Succeed(List<WriteRequest> committed)
    {
        if (committed.Count == 0)
        {
            return;
        }

        try
        {
            _flushLogToDisk();
        }
        catch (Exception e)
        {
            // Committed in LiteDB but perhaps not on disk: nobody may be told it is stored (a sender will retry, and
            // finds what did survive).
            _logger.LogError(e, "Flushing the LiteDB log to disk failed; {Count} writes are reported failed", committed.Count);
            foreach (var request in committed)
            {
                request.Fail(e);
            }

            return;
        }

        foreach (var request in committed)
        {
            request.Succeed();
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
        _requests.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _requests.Dispose();
    }

    private abstract class WriteRequest(bool groupable)
    {
        public bool Groupable { get; } = groupable;
        public abstract void Apply(WriteScope scope);
        public abstract void Succeed();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteRequest<T>(Func<WriteScope, T> work, bool groupable) : WriteRequest(groupable)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override void Apply(WriteScope scope) => _result = work(scope);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception error) => _completion.TrySetException(error);
    }
}
