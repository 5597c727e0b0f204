using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Conversation references (where the bot can post) and the messages it keeps current.</summary>
internal sealed class PostgresConversationStore(NpgsqlDataSource dataSource, TimeProvider clock) : IConversationStore
{
    private const int MaxReferences = 50;

    private const string RememberSql =
        "INSERT INTO conversation_references (platform, conversation_id, service_url, tenant_id, conversation_type, team_id, " +
        "team_aad_group_id, channel_id, person_key, updated_at) VALUES (@platform, @conversation_id, @service_url, @tenant_id, " +
        "@conversation_type, @team_id, @team_aad_group_id, @channel_id, @person_key, @updated_at) " +
        "ON CONFLICT (platform, conversation_id) DO UPDATE SET " +
        "service_url = COALESCE(excluded.service_url, conversation_references.service_url), " +
        "tenant_id = COALESCE(excluded.tenant_id, conversation_references.tenant_id), " +
        "conversation_type = COALESCE(excluded.conversation_type, conversation_references.conversation_type), " +
        "team_id = COALESCE(excluded.team_id, conversation_references.team_id), " +
        "team_aad_group_id = COALESCE(excluded.team_aad_group_id, conversation_references.team_aad_group_id), " +
        "channel_id = COALESCE(excluded.channel_id, conversation_references.channel_id), " +
        "person_key = COALESCE(excluded.person_key, conversation_references.person_key), " +
        "updated_at = excluded.updated_at RETURNING id";

    private const string Columns =
        "id, platform, conversation_id, service_url, tenant_id, conversation_type, team_id, team_aad_group_id, channel_id, updated_at, person_key";

    private const string FindSql =
        "SELECT " + Columns + " FROM conversation_references WHERE platform = @platform " +
        "AND (@conversation_id IS NULL OR conversation_id = @conversation_id) " +
        "AND (@channel_id IS NULL OR channel_id = @channel_id OR conversation_id = @channel_id) " +
        "AND (@tenant_id IS NULL OR tenant_id = @tenant_id) " +
        "ORDER BY updated_at DESC, id DESC LIMIT @take";

    private const string FindPersonalSql =
        "SELECT " + Columns + " FROM conversation_references WHERE platform = @platform AND person_key = @person_key " +
        "ORDER BY updated_at DESC, id DESC LIMIT 1";

    private const string KnowsSql =
        "SELECT EXISTS (SELECT 1 FROM conversation_references WHERE platform = @platform AND service_url IN (@url, @other))";

    private const string FindMessageSql =
        "SELECT id, incident_id, platform, kind, conversation_id, message_id, updated_at FROM incident_messages " +
        "WHERE incident_id = @incident_id AND platform = @platform AND kind = @kind";

    private const string SaveMessageSql =
        "INSERT INTO incident_messages (incident_id, platform, kind, conversation_id, message_id, updated_at) " +
        "VALUES (@incident_id, @platform, @kind, @conversation_id, @message_id, @updated_at) " +
        "ON CONFLICT (incident_id, platform, kind) DO UPDATE SET conversation_id = excluded.conversation_id, " +
        "message_id = excluded.message_id, updated_at = excluded.updated_at RETURNING id";

    public async Task RememberAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.UpdatedAt == default)
        {
            reference.UpdatedAt = PostgresTime.Now(clock);
        }

        await using var command = dataSource.CreateCommand(RememberSql);
        command.Parameters.AddText("platform", reference.Platform)
            .AddText("conversation_id", reference.ConversationId)
            .AddText("service_url", reference.ServiceUrl)
            .AddText("tenant_id", reference.TenantId)
            .AddText("conversation_type", reference.ConversationType)
            .AddText("team_id", reference.TeamId)
            .AddText("team_aad_group_id", reference.TeamAadGroupId)
            .AddText("channel_id", reference.ChannelId)
            .AddText("person_key", reference.PersonKey)
            .AddTime("updated_at", reference.UpdatedAt);
        reference.Id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<ConversationReference>> FindAsync(string platform, string? conversationId, string? channelId, string? tenantId,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.AddText("platform", platform)
            .AddText("conversation_id", conversationId)
            .AddText("channel_id", channelId)
            .AddText("tenant_id", tenantId)
            .AddInt("take", MaxReferences);
        var references = new List<ConversationReference>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            references.Add(Read(reader));
        }

        return references;
    }

    public async Task<ConversationReference?> FindPersonalAsync(string platform, string personKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindPersonalSql);
        command.Parameters.AddText("platform", platform).AddText("person_key", personKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ConversationReference Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Platform = reader.GetString(1),
        ConversationId = reader.GetString(2),
        ServiceUrl = reader.GetString(3),
        TenantId = reader.GetNullableString(4),
        ConversationType = reader.GetNullableString(5),
        TeamId = reader.GetNullableString(6),
        TeamAadGroupId = reader.GetNullableString(7),
        ChannelId = reader.GetNullableString(8),
        UpdatedAt = PostgresTime.Read(reader, 9),
        PersonKey = reader.GetNullableString(10),
    };

    public async Task<bool> KnowsServiceUrlAsync(string platform, string serviceUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        var other = serviceUrl.EndsWith('/') ? serviceUrl[..^1] : serviceUrl + "/";
        await using var command = dataSource.CreateCommand(KnowsSql);
        command.Parameters.AddText("platform", platform).AddText("url", serviceUrl).AddText("other", other);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IncidentMessage?> FindMessageAsync(long incidentId, string platform, string kind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindMessageSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddText("platform", platform).AddText("kind", kind);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new IncidentMessage
        {
            Id = reader.GetInt64(0),
            IncidentId = reader.GetInt64(1),
            Platform = reader.GetString(2),
            Kind = reader.GetString(3),
            ConversationId = reader.GetString(4),
            MessageId = reader.GetString(5),
            UpdatedAt = PostgresTime.Read(reader, 6),
        };
    }

    public async Task SaveMessageAsync(IncidentMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.UpdatedAt == default)
        {
            message.UpdatedAt = PostgresTime.Now(clock);
        }

        await using var command = dataSource.CreateCommand(SaveMessageSql);
        command.Parameters.AddBigint("incident_id", message.IncidentId)
            .AddText("platform", message.Platform)
            .AddText("kind", message.Kind)
            .AddText("conversation_id", message.ConversationId)
            .AddText("message_id", message.MessageId)
            .AddTime("updated_at", message.UpdatedAt);
        message.Id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
