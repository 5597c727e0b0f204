using System.Text.Json;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;

namespace IncidentBot.Core.Outbox;

/// <summary>
/// Writes intents into the change's own DbContext, so they commit (or not) with it. One row per executor
/// that handles the intent; none when no executor does (e.g. no chat platform configured). Intents name the
/// incident by id, so a new incident is saved before its intents are enqueued (in the same transaction).
/// </summary>
public sealed class OutboxWriter(IEnumerable<IOutboxExecutor> executors, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IOutboxExecutor[] _executors = executors.ToArray();

    public void Enqueue(IncidentDbContext db, IOutboxIntent intent) => Enqueue(db, intent, TimeSpan.Zero);

    /// <summary>Enqueues to run no earlier than <paramref name="delay"/> from now.</summary>
    public void Enqueue(IncidentDbContext db, IOutboxIntent intent, TimeSpan delay)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var type = intent.GetType();
        foreach (var executor in _executors.Where(e => e.Handles(type)))
        {
            db.OutboxMessages.Add(new OutboxMessage
            {
                Kind = IntentTypes.NameOf(type),
                Executor = executor.Name,
                Payload = JsonSerializer.Serialize(intent, type, Json),
                IncidentId = intent.IncidentId == 0 ? null : intent.IncidentId,
                OrderingKey = intent.OrderingKey,
                Status = WorkStatus.Pending,
                CreatedAt = now,
                DueAt = now + delay,
            });
        }
    }

    public static IOutboxIntent Deserialize(OutboxMessage message) =>
        (IOutboxIntent)(JsonSerializer.Deserialize(message.Payload, IntentTypes.TypeOf(message.Kind), Json)
            ?? throw new InvalidOperationException($"Outbox row {message.Id} has an empty payload."));
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
    };

    private static readonly Dictionary<Type, string> ByType = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static string NameOf(Type type) =>
        ByType.TryGetValue(type, out var n) ? n : throw new InvalidOperationException($"Intent type {type.Name} has no stored name.");

    public static Type TypeOf(string name) =>
        ByName.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"Unknown intent kind '{name}'.");
}

/// <summary>Wakes the outbox worker once a change with intents has committed (before that the rows are invisible).</summary>
public sealed class OutboxSignal : WorkSignal;
