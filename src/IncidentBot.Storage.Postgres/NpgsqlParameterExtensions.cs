using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Typed parameters: every value goes to the server as a parameter of a stated type (a null too, so that
/// <c>@x IS NULL</c> needs no cast), and every time is sent as UTC.
/// </summary>
internal static class NpgsqlParameterExtensions
{
    public static NpgsqlParameterCollection AddText(this NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.With(name, NpgsqlDbType.Text, value);

    public static NpgsqlParameterCollection AddJson(this NpgsqlParameterCollection parameters, string name, string json) =>
        parameters.With(name, NpgsqlDbType.Jsonb, json);

    public static NpgsqlParameterCollection AddBigint(this NpgsqlParameterCollection parameters, string name, long? value) =>
        parameters.With(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlParameterCollection AddInt(this NpgsqlParameterCollection parameters, string name, int? value) =>
        parameters.With(name, NpgsqlDbType.Integer, value);

    public static NpgsqlParameterCollection AddBool(this NpgsqlParameterCollection parameters, string name, bool? value) =>
        parameters.With(name, NpgsqlDbType.Boolean, value);

    public static NpgsqlParameterCollection AddTime(this NpgsqlParameterCollection parameters, string name, DateTime? value) =>
        parameters.With(name, NpgsqlDbType.TimestampTz, value is { } v ? PostgresTime.ToUtc(v) : null);

    public static NpgsqlParameterCollection AddTextArray(this NpgsqlParameterCollection parameters, string name, IEnumerable<string> values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values.ToArray());

    public static NpgsqlParameterCollection AddBigintArray(this NpgsqlParameterCollection parameters, string name, IEnumerable<long> values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, values.ToArray());

    private static NpgsqlParameterCollection With(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value)
    {
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return parameters;
    }
}

/// <summary>Every time stored is UTC and every time handed back has <see cref="DateTimeKind.Utc"/>.</summary>
internal static class PostgresTime
{
    /// <summary>An unspecified kind is taken as UTC already (the domain works in UTC); a local time is converted.</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    public static DateTime Now(TimeProvider clock) => clock.GetUtcNow().UtcDateTime;

    public static DateTime? ReadNullable(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ToUtc(reader.GetFieldValue<DateTime>(ordinal));

    public static DateTime Read(NpgsqlDataReader reader, int ordinal) => ToUtc(reader.GetFieldValue<DateTime>(ordinal));
}

/// <summary>Small readers for nullable columns.</summary>
internal static class NpgsqlReaderExtensions
{
    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetNullableInt64(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
