using IncidentBot.Core.Domain;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The incident document and the columns kept beside it for queries.</summary>
internal static class IncidentDocuments
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "id, number, version, body";

    public const string Insert =
        "INSERT INTO incidents (id, number, version, status, severity, is_private, title, member_keys, declared_at, body) " +
        "VALUES (@id, @number, 1, @status, @severity, @is_private, @title, @member_keys, @declared_at, @body) RETURNING version";

    public const string Update =
        "UPDATE incidents SET version = version + 1, number = @number, status = @status, severity = @severity, " +
        "is_private = @is_private, title = @title, member_keys = @member_keys, declared_at = @declared_at, body = @body " +
        "WHERE id = @id AND version = @expected RETURNING version";

    /// <summary>Parameters of <see cref="Insert"/> and <see cref="Update"/> (all but <c>@expected</c>).</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, Incident incident)
    {
        parameters.AddBigint("id", incident.Id)
            .AddInt("number", incident.Number)
            .AddText("status", incident.Status.ToString())
            .AddText("severity", incident.Severity)
            .AddBool("is_private", incident.IsPrivate)
            .AddText("title", incident.Title)
            .AddTextArray("member_keys", MemberKeys(incident))
            .AddTime("declared_at", incident.DeclaredAt)
            .AddJson("body", PostgresJson.Serialize(incident));
    }

    /// <summary>Who may see a private incident: its active members.</summary>
    public static IEnumerable<string> MemberKeys(Incident incident) =>
        incident.Members.Where(m => m.Active).Select(m => m.PersonKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public static Incident Read(NpgsqlDataReader reader)
    {
        var incident = PostgresJson.Deserialize<Incident>(reader.GetString(3));
        incident.Id = reader.GetInt64(0);
        incident.Number = reader.GetInt32(1);
        incident.Version = reader.GetInt32(2);
        incident.Timeline = [];
        incident.Channels = [];
        return incident;
    }

    public static IncidentChannel ReadChannel(NpgsqlDataReader reader, int first)
    {
        var channel = PostgresJson.Deserialize<IncidentChannel>(reader.GetString(first + 2));
        channel.Id = reader.GetInt64(first);
        channel.IncidentId = reader.GetInt64(first + 1);
        return channel;
    }
}
