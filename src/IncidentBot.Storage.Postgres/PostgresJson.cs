using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using IncidentBot.Core.Domain;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// How documents are written to <c>jsonb</c>: property names as in the domain (queries such as the booking lookup
/// rely on <c>Bookings</c> and <c>IncidentId</c>), enums by name, times as UTC. The incident document leaves out what
/// is stored beside it (<see cref="Incident.Timeline"/>, <see cref="Incident.Channels"/>) and what is computed
/// (<see cref="Incident.Reference"/>, <see cref="Incident.IsOpen"/>); the domain carries no attributes for this.
/// </summary>
internal static class PostgresJson
{
    private static readonly HashSet<string> NotInIncidentDocument =
    [
        nameof(Incident.Timeline),
        nameof(Incident.Channels),
        nameof(Incident.Reference),
        nameof(Incident.IsOpen),
    ];

    public static JsonSerializerOptions Options { get; } = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutStoredBeside } },
        Converters = { new JsonStringEnumConverter(), new UtcDateTimeConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"A stored {typeof(T).Name} document is empty.");

    private static void LeaveOutStoredBeside(JsonTypeInfo info)
    {
        if (info.Type != typeof(Incident))
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (NotInIncidentDocument.Contains(info.Properties[i].Name))
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            PostgresTime.ToUtc(reader.GetDateTime());

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(PostgresTime.ToUtc(value).ToString("O", CultureInfo.InvariantCulture));
    }
}
