using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;
using IncidentBot.Core.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Inbox;

/// <summary>A delivery as its platform's processor sees it (stored as a work item of topic <c>inbox.&lt;source&gt;</c>).</summary>
public sealed record InboxMessage(long Id, string Source, string Kind, string Payload, DateTime ReceivedAt);

/// <summary>Turns one stored delivery into MediatR requests and replies. Registered per source.</summary>
public interface IInboxProcessor
{
    string Source { get; }

    Task ProcessAsync(InboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Names a source that has a processor; the work queue runs its deliveries.</summary>
public sealed record InboxSource(string Name);

/// <summary>
/// Stores a delivery before it is acknowledged (durable when this returns); a second delivery with the same id
/// changes nothing. Deliveries with the same ordering key (a channel; one message, for reactions and pins) are applied
/// one at a time, in arrival order.
/// </summary>
public sealed class InboxWriter(IWorkQueueStore queue, TimeProvider clock, WorkSignal signal, InboxMetrics metrics)
{
    /// <summary>
    /// True when stored now; false when this delivery was already stored (a retry or a duplicate). A delivery id or
    /// ordering key no platform gives out (too long, control characters, broken Unicode) is refused with
    /// <see cref="Input.InputRefusedException"/> before anything is stored: both are looked up by index.
    /// </summary>
    public async Task<bool> TryAcceptAsync(string source, string externalId, string kind, string payload, CancellationToken cancellationToken, string? orderingKey = null)
    {
        Check(externalId, orderingKey);
        var arrival = InboxMetrics.Arrival();
        metrics.Received(source, kind);
        var item = NewItem(source, externalId, kind, payload, orderingKey, clock.GetUtcNow().UtcDateTime);
        var accepted = await queue.AcceptAsync(item, cancellationToken);
        metrics.Acked(source, kind, duplicate: !accepted, arrival);
        if (accepted)
        {
            signal.Raise(item.Topic, item.Key);
        }

        return accepted;
    }

    /// <summary>
    /// Refuses (<see cref="Input.InputRefusedException"/>) a delivery id or ordering key that <see cref="TryAcceptAsync"/>
    /// would refuse: for an adapter that stores something else first and must refuse before it does.
    /// </summary>
    public static void Check(string externalId, string? orderingKey)
    {
        Input.InputLimits.Apply(Input.InputField.PlatformId, externalId);
        Input.InputLimits.Apply(Input.InputField.PlatformId, orderingKey);
    }

    internal static WorkItem NewItem(string source, string externalId, string kind, string payload, string? orderingKey, DateTime now) => new()
    {
        Topic = InboxRunner.TopicOf(source),
        Key = orderingKey,
        Kind = kind,
        Payload = payload,
        UniqueKey = $"{source}:{externalId}",
        Status = WorkStatus.Pending,
        CreatedAt = now,
        DueAt = now,
        TraceParent = WorkTrace.Current(),
    };
}

/// <summary>Runs one source's deliveries through its processor.</summary>
internal sealed class InboxRunner(string source) : IWorkRunner
{
    /// <summary>Deliveries are people waiting for an answer: a few quick retries, then parked for an admin.</summary>
    public const int MaxDeliveryAttempts = 4;

    public static string TopicOf(string source) => $"inbox.{source}";

    public WorkTopic Topic { get; } = new(TopicOf(source), MaxDeliveryAttempts, TimeSpan.FromSeconds(1));

    public async Task<string?> RunAsync(WorkItem item, IServiceProvider scope, CancellationToken cancellationToken)
    {
        var processor = scope.GetServices<IInboxProcessor>().FirstOrDefault(p => p.Source == source)
            ?? throw new InvalidOperationException($"No processor for deliveries from '{source}' (was its platform turned off?).");
        await processor.ProcessAsync(new InboxMessage(item.Id, source, item.Kind, item.Payload, item.CreatedAt), cancellationToken);
        return null;
    }
}

/// <summary>
/// For deliveries whose answer must carry the result (a Teams dialog submit or card button must answer within 5 s):
/// store the delivery already claimed by this process, and run it at once. Stored first, it still applies exactly
/// once; if the inline run fails, the work queue retries it later like any other delivery.
/// </summary>
public sealed class InboxInline(
    IServiceScopeFactory scopes,
    IWorkQueueStore queue,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    InboxMetrics metrics,
    ILogger<InboxInline> logger)
{
    public async Task<InlineRun<T>> RunAsync<T>(string source, string externalId, string kind, string payload,
        Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var arrival = InboxMetrics.Arrival();
        metrics.Received(source, kind);
        var now = clock.GetUtcNow().UtcDateTime;
        var item = InboxWriter.NewItem(source, externalId, kind, payload, orderingKey: null, now);
        item.LeaseOwner = WorkDispatcher.Owner;
        item.LeaseUntil = now + options.Value.LeaseDuration;
        item.Attempts = 1;
        var accepted = await queue.AcceptAsync(item, cancellationToken);
        metrics.Acked(source, kind, duplicate: !accepted, arrival);
        if (!accepted)
        {
            return new InlineRun<T>(Duplicate: true, Applied: false, default);
        }

        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<WorkContext>();
        context.Begin(item, WorkDispatcher.Owner);
        try
        {
            var result = await work(scope.ServiceProvider, cancellationToken);
            await context.CompleteAsync(null, CancellationToken.None);
            return new InlineRun<T>(Duplicate: false, Applied: true, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !context.Completed)
        {
            logger.LogWarning(ex, "{Source} {Kind} {ExternalId} failed inline; the work queue will retry it", source, kind, externalId);
            var failedAt = clock.GetUtcNow().UtcDateTime;
            var retry = WorkDispatcher.Deferral(ex, TimeSpan.FromSeconds(1)) is { } deferral
                ? new WorkRetry(item.Id, WorkDispatcher.Owner, failedAt + deferral.Wait, deferral.Reason, HoldsKey: true, CountsAsAttempt: false)
                : new WorkRetry(item.Id, WorkDispatcher.Owner, failedAt + TimeSpan.FromSeconds(1), ex.Message);
            await queue.RetryAsync(retry, CancellationToken.None);
            throw;
        }
    }
}

public sealed record InlineRun<T>(bool Duplicate, bool Applied, T? Result);
