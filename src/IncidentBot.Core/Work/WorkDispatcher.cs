using System.Collections.Concurrent;
using System.Diagnostics;
using IncidentBot.Core.Input;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace IncidentBot.Core.Work;

/// <summary>
/// Runs the work queue: one loop per topic claims what is runnable (the store applies the queue's rules, see
/// <see cref="WorkItem"/>) and runs up to <c>Outbox:Parallelism</c> items at once (<c>Outbox:ChatParallelism</c> for a
/// platform's chat calls), each in its own scope; a slow topic (a hung Slack) never holds another's slots. Leases are
/// renewed while items run and given back on shutdown.
/// </summary>
public sealed class WorkDispatcher : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IWorkQueueStore _queue;
    private readonly WorkSignal _signal;
    private readonly TimeProvider _clock;
    private readonly IOptions<OutboxOptions> _options;
    private readonly IOptions<StorageOptions> _storage;
    private readonly ILogger<WorkDispatcher> _logger;
    private readonly WorkMetrics _metrics;
    private readonly List<IWorkRunner> _runners;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();

    public WorkDispatcher(
        IServiceScopeFactory scopes,
        IWorkQueueStore queue,
        IEnumerable<IWorkRunner> runners,
        IEnumerable<IOutboxExecutor> executors,
        IEnumerable<Inbox.InboxSource> sources,
        WorkSignal signal,
        TimeProvider clock,
        IOptions<OutboxOptions> options,
        IOptions<StorageOptions> storage,
        WorkMetrics metrics,
        ILogger<WorkDispatcher> logger)
    {
        _metrics = metrics;
        _scopes = scopes;
        _queue = queue;
        _signal = signal;
        _clock = clock;
        _options = options;
        _storage = storage;
        _logger = logger;
        _runners = runners
            .Concat(sources.Select(s => (IWorkRunner)new Inbox.InboxRunner(s.Name)))
            .Concat(executors.Select(e => (IWorkRunner)new OutboxRunner(e, options.Value.MaxAttempts)))
            .GroupBy(r => r.Topic.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
    }

    /// <summary>This process's name on the leases it takes.</summary>
    public static string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public IReadOnlyList<WorkTopic> Topics => _runners.Select(r => r.Topic).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_runners.Count == 0)
        {
            _logger.LogInformation("No work runners registered; the work queue is idle");
            return;
        }

        // Ticks on a fixed schedule from before the first claim: a slow renewal does not push the next one back.
        using var renewals = new PeriodicTimer(_options.Value.LeaseDuration / 3, _clock);
        var loops = _runners.Select(r => RunTopicAsync(r, stoppingToken)).ToList();
        loops.Add(RenewLeasesAsync(renewals, stoppingToken));
        loops.Add(PurgeAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// Runs every runnable item of every topic until none is left (items due later stay). For tests and tools that
    /// drive the queue without the background loops; returns how many items ran.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var ran = 0;
        while (true)
        {
            var round = new List<Task>();
            foreach (var runner in _runners)
            {
                var claimed = await _queue.ClaimAsync(runner.Topic.Name, Owner, Now, _options.Value.LeaseDuration, ParallelismOf(runner), cancellationToken);
                round.AddRange(NotRunningHere(claimed).Select(item => RunOneAsync(runner, item, cancellationToken)));
            }

            if (round.Count == 0)
            {
                return ran;
            }

            await Task.WhenAll(round);
            ran += round.Count;
        }
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    /// <summary>Chat calls wait on the platform; deliveries and timed work use the CPU and the store.</summary>
    private int ParallelismOf(IWorkRunner runner) => runner is OutboxRunner ? _options.Value.ChatParallelism : _options.Value.Parallelism;

    private async Task RunTopicAsync(IWorkRunner runner, CancellationToken stoppingToken)
    {
        var topic = runner.Topic.Name;
        var runs = new ConcurrentDictionary<long, Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = ParallelismOf(runner) - runs.Count;
            var claimedAll = false;
            if (free > 0)
            {
                try
                {
                    var claimed = await _queue.ClaimAsync(topic, Owner, Now, _options.Value.LeaseDuration, free, stoppingToken);
                    foreach (var item in NotRunningHere(claimed))
                    {
                        // Registered before it starts: a run that finishes at once must still free its slot.
                        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        runs[item.Id] = finished.Task;
                        _signal.RunStarted(topic, item.Key);
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await RunOneAsync(runner, item, stoppingToken);
                            }
                            finally
                            {
                                runs.TryRemove(item.Id, out _);
                                finished.TrySetResult();
                                _signal.RunFinished(topic, item.Key);
                            }
                        }, CancellationToken.None);
                    }

                    claimedAll = claimed.Count == free;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Could not claim work of {Topic}; trying again", topic);
                }
            }

            if (claimedAll)
            {
                continue; // there may be more runnable right now
            }

            try
            {
                await _signal.WaitAsync(topic, _options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Shutting down: the runs were cancelled with the stopping token and give their items back themselves.
        await Task.WhenAll(runs.Values);
    }

    /// <summary>
    /// Leaves out the claimed items this process is running already. A lease lapses mid-run when the clock steps past
    /// it before a renewal (the host's clock set forward, the process paused); the item is then claimable, and a claim
    /// by this process only renews it: starting it again would do its work twice at once, a reply sent twice.
    /// </summary>
    private IEnumerable<WorkItem> NotRunningHere(IReadOnlyList<WorkItem> claimed)
    {
        foreach (var item in claimed)
        {
            if (_running.ContainsKey(item.Id))
            {
                _logger.LogWarning("{Item} was claimed again while it runs here (its lease lapsed before it was renewed); not started twice", Describe(item));
                continue;
            }

            yield return item;
        }
    }

    private async Task RunOneAsync(IWorkRunner runner, WorkItem item, CancellationToken stoppingToken)
    {
        // Two sources, so that a lease lost just as the host stops is still known as lost: a lost item is not ours
        // to give back, whatever the stopping token says by the time the run unwinds.
        using var lostLease = new CancellationTokenSource();
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lostLease.Token);
        if (!_running.TryAdd(item.Id, lostLease))
        {
            return; // claimed by the drain and a topic's loop at once, each after the other's check: one run is enough
        }

        using var span = WorkTrace.StartRun(item);
        _metrics.Started(item, Now);
        var outcome = "done";
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var work = scope.ServiceProvider.GetRequiredService<WorkContext>();
            work.Begin(item, Owner);
            try
            {
                var result = await runner.RunAsync(item, scope.ServiceProvider, lease.Token);
                await work.CompleteAsync(result, CancellationToken.None);
            }
            catch (Exception ex) when (work.Completed)
            {
                span?.AddException(ex);
                _logger.LogWarning(ex, "{Item} was applied, but a later step failed; not running it again", Describe(item));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested && !lostLease.IsCancellationRequested)
            {
                outcome = "shutdown";
                await GiveBackAsync(new WorkRetry(item.Id, Owner, Now, "shut down while running", CountsAsAttempt: false));
            }
            catch (OperationCanceledException) when (lease.IsCancellationRequested)
            {
                outcome = "lost";
                _logger.LogWarning("{Item} lost its lease while running; another runner owns it now", Describe(item));
            }
            catch (StoreConflictException conflict) when (conflict.Kind == StoreConflictKind.LeaseLost)
            {
                outcome = "lost";
                _logger.LogWarning("{Item} lost its lease before completing; another runner owns it now", Describe(item));
            }
            catch (InputRefusedException refused)
            {
                // The same input is refused every time: retrying only delays the admin who can see why.
                outcome = Failed(span, refused, "parked");
                _logger.LogWarning("{Item} refused: {Reason}; parked at once", Describe(item), refused.Message);
                await GiveBackAsync(new WorkRetry(item.Id, Owner, Now, refused.Message, Park: true));
            }
            catch (Exception ex) when (Deferral(ex, runner.Topic.FirstBackoff) is { } deferral)
            {
                outcome = Failed(span, ex, "deferred");
                _logger.LogInformation("{Item} waits {Seconds} s: {Reason}", Describe(item), deferral.Wait.TotalSeconds, deferral.Reason);
                await GiveBackAsync(new WorkRetry(item.Id, Owner, Now + deferral.Wait, deferral.Reason, HoldsKey: true, CountsAsAttempt: false));
            }
            catch (Exception ex)
            {
                outcome = Failed(span, ex, item.Attempts >= runner.Topic.MaxAttempts ? "parked" : "retried");
                if (item.Attempts >= runner.Topic.MaxAttempts)
                {
                    _logger.LogError(ex, "{Item} failed {Attempts} times; parked (an admin can retry it)", Describe(item), item.Attempts);
                    await GiveBackAsync(new WorkRetry(item.Id, Owner, Now, ex.Message, Park: true));
                }
                else
                {
                    var due = Now + runner.Topic.BackoffAfter(item.Attempts);
                    _logger.LogWarning(ex, "{Item} failed (attempt {Attempts}); retrying at {DueAt:O}", Describe(item), item.Attempts, due);
                    await GiveBackAsync(new WorkRetry(item.Id, Owner, due, ex.Message, HoldsKey: ex is OutboxInDoubtException));
                }
            }
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<long, CancellationTokenSource>(item.Id, lostLease));
            _metrics.Ended(item.Topic, outcome);
        }
    }

    private static string Failed(Activity? span, Exception ex, string outcome)
    {
        span?.SetStatus(ActivityStatusCode.Error, ex.Message);
        span?.SetTag("incidentbot.work.outcome", outcome);
        return outcome;
    }

    /// <summary>
    /// A failure that is no fault of the item and says when to try again: a rate limit (<see cref="OutboxRetryException"/>),
    /// or a service whose circuit is open (<see cref="BrokenCircuitException"/>, until it may close). The item waits that
    /// long, holding its key so later items of the key keep their order, and its attempt is given back: however long a
    /// service stays down, its deliveries and intents wait for it rather than being used up against it.
    /// </summary>
    internal static (TimeSpan Wait, string Reason)? Deferral(Exception exception, TimeSpan fallback)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case OutboxRetryException limited:
                    return (limited.RetryAfter, limited.Message);
                case BrokenCircuitException broken:
                    return (broken.RetryAfter ?? fallback, broken.Message);
            }
        }

        return null;
    }

    private async Task GiveBackAsync(WorkRetry retry)
    {
        try
        {
            if (!await _queue.RetryAsync(retry, CancellationToken.None))
            {
                _logger.LogWarning("Work item {Id} was no longer held by this process when given back", retry.Id);
            }
        }
        catch (Exception ex)
        {
            // The lease runs out and the item is claimed again: nothing is lost.
            _logger.LogError(ex, "Could not give back work item {Id}; it returns when its lease runs out", retry.Id);
        }
    }

    private async Task RenewLeasesAsync(PeriodicTimer renewals, CancellationToken stoppingToken)
    {
        var lease = _options.Value.LeaseDuration;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await renewals.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var ids = _running.Keys.ToList();
            if (ids.Count == 0)
            {
                continue;
            }

            try
            {
                foreach (var lost in await _queue.RenewAsync(Owner, ids, Now + lease, stoppingToken))
                {
                    if (_running.TryGetValue(lost, out var run))
                    {
                        await run.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Could not renew {Count} lease(s); retrying", ids.Count);
            }
        }
    }

    private async Task PurgeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await _queue.PurgeAsync(Now - TimeSpan.FromDays(_storage.Value.RetainDays), stoppingToken);
                if (removed > 0)
                {
                    _logger.LogInformation("Deleted {Count} finished work item(s) older than {Days} days", removed, _storage.Value.RetainDays);
                }

                await Task.Delay(TimeSpan.FromHours(1), _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Could not delete old work items; trying again later");
                try
                {
                    await Task.Delay(TimeSpan.FromHours(1), _clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Describe(WorkItem item) => $"{item.Topic} {item.Kind} #{item.Id}";
}
