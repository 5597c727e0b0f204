using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>People by key with their last display name.</summary>
internal sealed class PostgresPeopleStore(NpgsqlDataSource dataSource, TimeProvider clock) : IPeopleStore
{
    public const int MaxDisplayName = 200;

    /// <summary>
    /// Remembering a person: inserted when new, updated only when the name or tenant changed (a person seen without a
    /// tenant keeps the stored one). Two statements, not one upsert: <c>ON CONFLICT DO UPDATE</c> locks the person's row
    /// even when its <c>WHERE</c> leaves it as it is, so every capture naming a busy incident's author waited for the
    /// one before it to commit. <c>DO NOTHING</c> and an <c>UPDATE</c> that matches no row lock nothing. Each returns a
    /// row set, as every statement of a commit's batch does.
    /// </summary>
    internal static readonly string[] RememberSql =
    [
        "INSERT INTO people (key, display_name, tenant_id, updated_at) VALUES (@key, @display_name, @tenant_id, @updated_at) " +
        "ON CONFLICT (key) DO NOTHING RETURNING 1",
        "UPDATE people SET display_name = @display_name, tenant_id = COALESCE(@tenant_id, tenant_id), updated_at = @updated_at " +
        "WHERE key = @key AND (display_name, tenant_id) IS DISTINCT FROM (@display_name, COALESCE(@tenant_id, tenant_id)) RETURNING 1",
    ];

    private const string NamesSql = "SELECT key, display_name FROM people WHERE key = ANY(@keys)";

    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return names;
        }

        await using var command = dataSource.CreateCommand(NamesSql);
        command.Parameters.AddTextArray("keys", keys.Distinct(StringComparer.Ordinal));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names[reader.GetString(0)] = reader.GetString(1);
        }

        return names;
    }

    private const string ByNameSql =
        "SELECT key, display_name, tenant_id, updated_at FROM people " +
        "WHERE starts_with(key, @prefix) AND (lower(display_name) = lower(@name) OR lower(substr(key, length(@prefix) + 1)) = lower(@name)) " +
        "ORDER BY key LIMIT @limit";

    public async Task<IReadOnlyList<Person>> FindByNameAsync(string platform, string name, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ByNameSql);
        command.Parameters.AddText("prefix", platform + ":").AddText("name", name.Trim());
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var people = new List<Person>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            people.Add(new Person
            {
                Key = reader.GetString(0),
                DisplayName = reader.GetString(1),
                TenantId = reader.IsDBNull(2) ? null : reader.GetString(2),
                UpdatedAt = reader.GetDateTime(3),
            });
        }

        return people;
    }

    public async Task RememberAsync(Person person, CancellationToken cancellationToken)
    {
        var now = PostgresTime.Now(clock);
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in RememberSql)
        {
            var command = new NpgsqlBatchCommand(sql);
            AddParameters(command.Parameters, person, now);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddParameters(NpgsqlParameterCollection parameters, Person person, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(person);
        var name = person.DisplayName ?? string.Empty;
        parameters.AddText("key", person.Key)
            .AddText("display_name", name.Length > MaxDisplayName ? name[..MaxDisplayName] : name)
            .AddText("tenant_id", person.TenantId)
            .AddTime("updated_at", person.UpdatedAt == default ? now : person.UpdatedAt);
    }
}
