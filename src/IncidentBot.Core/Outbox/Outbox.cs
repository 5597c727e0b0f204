using System.Text.Json;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Telemetry;
using IncidentBot.Core.Work;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// Turns intents into work items of the change being built, so they commit (or not) with it. One item per executor
/// that handles the intent (topic <c>outbox.&lt;executor&gt;</c>); none when no executor does (no chat platform
/// configured). Intents name the incident by id, so a new incident gets its id before its intents are written.
/// </summary>
public sealed class OutboxWriter(IEnumerable<IOutboxExecutor> executors, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IOutboxExecutor[] _executors = executors.ToArray();

    public void Enqueue(StoreChange change, IOutboxIntent intent)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var type = intent.GetType();
        foreach (var executor in _executors.Where(e => e.Handles(type)))
        {
            var delay = executor.DelayOf(intent);
            change.Enqueued.Add(new WorkItem
            {
                Topic = OutboxRunner.TopicOf(executor.Name),
                Key = intent.OrderingKey,
                Kind = IntentTypes.NameOf(type),
                Payload = JsonSerializer.Serialize(intent, type, Json),
                IncidentId = intent.IncidentId == 0 ? null : intent.IncidentId,
                UniqueKey = executor.UniqueKeyOf(intent) is { } unique ? $"{executor.Name}:{unique}" : null,
                Status = WorkStatus.Pending,
                CreatedAt = now,
                DueAt = now + delay,
                TraceParent = WorkTrace.Current(),
            });
        }
    }

    public static IOutboxIntent Deserialize(WorkItem item) =>
        (IOutboxIntent)(JsonSerializer.Deserialize(item.Payload, IntentTypes.TypeOf(item.Kind), Json)
            ?? throw new InvalidOperationException($"Work item {item.Id} has an empty payload."));
}

/// <summary>Runs one executor's intents (topic <c>outbox.&lt;executor&gt;</c>) with the <c>Outbox:MaxAttempts</c> budget.</summary>
internal sealed class OutboxRunner(IOutboxExecutor executor, int maxAttempts) : IWorkRunner
{
    public static string TopicOf(string executor) => $"outbox.{executor}";

    public WorkTopic Topic { get; } = new(TopicOf(executor.Name), maxAttempts, TimeSpan.FromSeconds(2));

    public Task<string?> RunAsync(WorkItem item, IServiceProvider scope, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(OutboxWriter.Deserialize(item), item.Id, cancellationToken);
}

/// <summary>The stable names under which intents are stored; renaming one orphans stored rows.</summary>
public static class IntentTypes
{
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal)
    {
        ["incident.channel.ensure"] = typeof(EnsureIncidentChannel),
        ["incident.invite"] = typeof(InviteToIncident),
        ["incident.card.refresh"] = typeof(RefreshStatusCard),
        ["incident.announce"] = typeof(AnnounceIncident),
        ["incident.post"] = typeof(PostToIncident),
        ["incident.channel.close"] = typeof(CloseIncidentChannel),
        ["review.schedule"] = typeof(ScheduleIncidentReview),
        ["review.post"] = typeof(PostToReviewsChannel),
        ["review.doc"] = typeof(ScheduleIncidentReviewDoc),
        ["review.calendar"] = typeof(SyncReviewCalendarEvent),
        ["nudge.send"] = typeof(SendNudge),
        ["role.brief"] = typeof(BriefRole),
        ["incident.channel.adopt"] = typeof(AdoptIncidentChannel),
        ["followups.overdue"] = typeof(RemindOverdueFollowUps),
        ["person.remind"] = typeof(RemindPerson),
        ["review.presenter"] = typeof(RemindReviewPresenter),
    };

    private static readonly Dictionary<Type, string> ByType = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static string NameOf(Type type) =>
        ByType.TryGetValue(type, out var n) ? n : throw new InvalidOperationException($"Intent type {type.Name} has no stored name.");

    public static Type TypeOf(string name) =>
        ByName.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"Unknown intent kind '{name}'.");
}
