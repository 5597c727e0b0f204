using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Incident documents, found by number, id, channel or a filtered page; loaded with their channels.</summary>
internal sealed partial class PostgresIncidentStore(NpgsqlDataSource dataSource, TimeProvider clock) : IIncidentStore
{
    /// <summary>Incident channels remembered at most (a few per incident); beyond it a lookup asks the database.</summary>
    private const int ChannelsRemembered = 100_000;

    private const string NextIdSql = "SELECT nextval('incident_ids')";

    private const string ByNumberSql = "SELECT " + IncidentDocuments.Columns + " FROM incidents WHERE number = @number";

    private const string ChannelsByNumberSql =
        "SELECT c.id, c.incident_id, c.body FROM incident_channels c JOIN incidents i ON i.id = c.incident_id " +
        "WHERE i.number = @number ORDER BY c.id";

    private const string ByIdsSql = "SELECT " + IncidentDocuments.Columns + " FROM incidents WHERE id = ANY(@ids) ORDER BY number DESC";

    private const string ChannelsByIdsSql =
        "SELECT id, incident_id, body FROM incident_channels WHERE incident_id = ANY(@ids) ORDER BY id";

    /// <summary>The filter of <see cref="ListAsync"/>: visibility first, then the viewer's narrowing.</summary>
    private const string ListFilter =
        " FROM incidents WHERE (@sees_everything OR NOT is_private OR member_keys @> ARRAY[@viewer]::text[])" +
        " AND (@open IS NULL OR (status <> ALL(@closed)) = @open)" +
        " AND (@severity IS NULL OR lower(severity) = lower(@severity))" +
        " AND (@status IS NULL OR status = @status)" +
        " AND (@service IS NULL OR lower(body->>'Service') = lower(@service))" +
        " AND (@declared_from IS NULL OR declared_at >= @declared_from)" +
        " AND (@declared_before IS NULL OR declared_at < @declared_before)" +
        " AND (@search IS NULL OR title ILIKE @search OR body->>'Service' ILIKE @search OR number = @search_number)";

    private const string ListCountSql = "SELECT count(*)" + ListFilter;

    private const string ListPageSql =
        "SELECT " + IncidentDocuments.Columns + ListFilter + " ORDER BY number DESC OFFSET @skip LIMIT @take";

    private const string NumberByChannelSql =
        "SELECT i.number FROM incident_channels c JOIN incidents i ON i.id = c.incident_id " +
        "WHERE c.platform = @platform AND c.channel_id = @channel_id";

    private const string ChannelIdSql =
        "SELECT channel_id FROM incident_channels WHERE incident_id = @incident_id AND platform = @platform ORDER BY id LIMIT 1";

    private const string LinkSql =
        "INSERT INTO incident_channels (platform, channel_id, incident_id, body) VALUES (@platform, @channel_id, @incident_id, @body) " +
        "ON CONFLICT (platform, channel_id) DO NOTHING RETURNING id";

    private const string LinkedSql =
        "SELECT id, incident_id FROM incident_channels WHERE platform = @platform AND channel_id = @channel_id";

    /// <summary>
    /// The incident numbers of the channels found so far. Every event in an incident channel asks, and it was one of an
    /// event's five round trips. A linked channel belongs to its incident for good (its row is only ever inserted) and an
    /// incident keeps its number, so an answer found stays true on every replica; a channel not (yet) linked is asked
    /// each time, as another replica may link it.
    /// </summary>
    private readonly ConcurrentDictionary<(string Platform, string ChannelId), int> _numberByChannel = new();

    private static readonly string[] ClosedStatuses =
        Enum.GetValues<IncidentStatus>().Where(s => s.IsClosed()).Select(s => s.ToString()).ToArray();

    public async Task<long> NewIncidentIdAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(NextIdSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<Incident?> FindAsync(int number, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var incident = new NpgsqlBatchCommand(ByNumberSql);
        incident.Parameters.AddInt("number", number);
        var channels = new NpgsqlBatchCommand(ChannelsByNumberSql);
        channels.Parameters.AddInt("number", number);
        batch.BatchCommands.Add(incident);
        batch.BatchCommands.Add(channels);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var found = await ReadIncidentsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await ReadChannelsAsync(reader, found, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<Incident?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        var found = await FindManyAsync([id], cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<Incident>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var batch = dataSource.CreateBatch();
        var incidents = new NpgsqlBatchCommand(ByIdsSql);
        incidents.Parameters.AddBigintArray("ids", ids.Distinct());
        var channels = new NpgsqlBatchCommand(ChannelsByIdsSql);
        channels.Parameters.AddBigintArray("ids", ids.Distinct());
        batch.BatchCommands.Add(incidents);
        batch.BatchCommands.Add(channels);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var found = await ReadIncidentsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await ReadChannelsAsync(reader, found, cancellationToken);
        return found;
    }

    public async Task<IncidentPage> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var search = string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim();
        int? searchNumber = search is not null && Reference().Match(search) is { Success: true } m &&
            int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var severity = string.IsNullOrWhiteSpace(query.Severity) ? null : query.Severity.Trim();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var count = new NpgsqlBatchCommand(ListCountSql);
        var page = new NpgsqlBatchCommand(ListPageSql);
        foreach (var command in new[] { count, page })
        {
            command.Parameters.AddBool("sees_everything", query.SeesEverything)
                .AddText("viewer", query.ViewerKey ?? string.Empty)
                .AddBool("open", query.Open)
                .AddTextArray("closed", ClosedStatuses)
                .AddText("severity", severity)
                .AddText("status", query.Status?.ToString())
                .AddText("service", string.IsNullOrWhiteSpace(query.Service) ? null : query.Service.Trim())
                .AddTime("declared_from", query.DeclaredFrom)
                .AddTime("declared_before", query.DeclaredBefore)
                .AddText("search", search is null ? null : "%" + EscapeLike(search) + "%")
                .AddInt("search_number", searchNumber);
            batch.BatchCommands.Add(command);
        }

        page.Parameters.AddInt("skip", Math.Max(0, query.Skip)).AddInt("take", Math.Max(0, query.Take));

        int total;
        List<Incident> items;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            total = (int)reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            items = await ReadIncidentsAsync(reader, cancellationToken);
        }

        if (items.Count > 0)
        {
            await using var channels = new NpgsqlCommand(ChannelsByIdsSql, connection);
            channels.Parameters.AddBigintArray("ids", items.Select(i => i.Id));
            await using var reader = await channels.ExecuteReaderAsync(cancellationToken);
            await ReadChannelsAsync(reader, items, cancellationToken);
        }

        return new IncidentPage(items, total);
    }

    public async Task<int?> NumberByChannelAsync(string platform, string channelId, CancellationToken cancellationToken)
    {
        if (_numberByChannel.TryGetValue((platform, channelId), out var known))
        {
            return known;
        }

        await using var command = dataSource.CreateCommand(NumberByChannelSql);
        command.Parameters.AddText("platform", platform).AddText("channel_id", channelId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not int number)
        {
            return null;
        }

        if (_numberByChannel.Count < ChannelsRemembered)
        {
            _numberByChannel[(platform, channelId)] = number;
        }

        return number;
    }

    public async Task<string?> ChannelIdAsync(long incidentId, string platform, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ChannelIdSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddText("platform", platform);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<bool> LinkChannelAsync(IncidentChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.CreatedAt == default)
        {
            channel.CreatedAt = PostgresTime.Now(clock);
        }

        // Two statements in one round trip: the second sees the row whichever transaction wrote it.
        await using var batch = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand(LinkSql);
        insert.Parameters.AddText("platform", channel.Platform)
            .AddText("channel_id", channel.ChannelId)
            .AddBigint("incident_id", channel.IncidentId)
            .AddJson("body", PostgresJson.Serialize(channel));
        var linked = new NpgsqlBatchCommand(LinkedSql);
        linked.Parameters.AddText("platform", channel.Platform).AddText("channel_id", channel.ChannelId);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(linked);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }

        var owner = reader.GetInt64(1);
        if (owner == channel.IncidentId)
        {
            channel.Id = reader.GetInt64(0);
        }

        return owner == channel.IncidentId;
    }

    internal static string EscapeLike(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '%' or '_')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static async Task<List<Incident>> ReadIncidentsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var incidents = new List<Incident>();
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(IncidentDocuments.Read(reader));
        }

        return incidents;
    }

    private static async Task ReadChannelsAsync(NpgsqlDataReader reader, List<Incident> incidents, CancellationToken cancellationToken)
    {
        var byId = incidents.ToDictionary(i => i.Id);
        while (await reader.ReadAsync(cancellationToken))
        {
            var channel = IncidentDocuments.ReadChannel(reader, 0);
            if (byId.TryGetValue(channel.IncidentId, out var incident))
            {
                incident.Channels.Add(channel);
            }
        }
    }

    [GeneratedRegex(@"^(?:INC-?)?(\d{1,9})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
