using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The <c>work_items</c> row and how a <see cref="WorkItem"/> is written to it.</summary>
internal static class WorkItemRows
{
    public const int MaxError = 2000;

    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns =
        "id, topic, key, kind, payload, unique_key, incident_id, status, created_at, due_at, holds_key, attempts, " +
        "last_error, result, completed_at, lease_owner, lease_until, trace_parent";

    public const string InsertColumns =
        "topic, key, kind, payload, unique_key, incident_id, status, created_at, due_at, holds_key, attempts, lease_owner, lease_until, trace_parent";

    public const string InsertValues =
        "@topic, @key, @kind, @payload, @unique_key, @incident_id, @status, @created_at, @due_at, @holds_key, @attempts, @lease_owner, @lease_until, @trace_parent";

    /// <summary>Fills the parameters of <see cref="InsertValues"/>; a missing creation or due time becomes now.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, WorkItem item, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.CreatedAt == default)
        {
            item.CreatedAt = now;
        }

        if (item.DueAt == default)
        {
            item.DueAt = item.CreatedAt;
        }

        parameters.AddText("topic", item.Topic)
            .AddText("key", item.Key)
            .AddText("kind", item.Kind)
            .AddText("payload", item.Payload)
            .AddText("unique_key", item.UniqueKey)
            .AddBigint("incident_id", item.IncidentId)
            .AddInt("status", (int)item.Status)
            .AddTime("created_at", item.CreatedAt)
            .AddTime("due_at", item.DueAt)
            .AddBool("holds_key", item.HoldsKey)
            .AddInt("attempts", item.Attempts)
            .AddText("lease_owner", item.LeaseOwner)
            .AddTime("lease_until", item.LeaseUntil)
            .AddText("trace_parent", item.TraceParent);
    }

    public static WorkItem Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Topic = reader.GetString(1),
        Key = reader.GetNullableString(2),
        Kind = reader.GetString(3),
        Payload = reader.GetString(4),
        UniqueKey = reader.GetNullableString(5),
        IncidentId = reader.GetNullableInt64(6),
        Status = (WorkStatus)reader.GetInt16(7),
        CreatedAt = PostgresTime.Read(reader, 8),
        DueAt = PostgresTime.Read(reader, 9),
        HoldsKey = reader.GetBoolean(10),
        Attempts = reader.GetInt32(11),
        LastError = reader.GetNullableString(12),
        Result = reader.GetNullableString(13),
        CompletedAt = PostgresTime.ReadNullable(reader, 14),
        LeaseOwner = reader.GetNullableString(15),
        LeaseUntil = PostgresTime.ReadNullable(reader, 16),
        TraceParent = reader.GetNullableString(17),
    };

    public static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
