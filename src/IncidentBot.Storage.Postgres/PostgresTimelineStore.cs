using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Timeline entries and edits, stored beside their incident (written by <see cref="PostgresChangeStore"/>).</summary>
internal sealed class PostgresTimelineStore(NpgsqlDataSource dataSource) : ITimelineStore
{
    private const string ListSql =
        "SELECT id, incident_id, body FROM timeline_entries WHERE incident_id = @incident_id ORDER BY occurred_at, id";

    private const string FindSql =
        "SELECT id, incident_id, body FROM timeline_entries WHERE incident_id = @incident_id AND id = @id";

    private const string CapturedSql =
        "SELECT id FROM timeline_entries WHERE incident_id = @incident_id AND external_id = @external_id";

    private const string EditsSql =
        "SELECT id, incident_id, body FROM timeline_edits WHERE incident_id = @incident_id ORDER BY at, id";

    public async Task<IReadOnlyList<TimelineEntry>> ListAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        return await ReadAllAsync<TimelineEntry>(command, cancellationToken);
    }

    public async Task<TimelineEntry?> FindAsync(long incidentId, long entryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddBigint("id", entryId);
        return (await ReadAllAsync<TimelineEntry>(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<long?> FindCapturedAsync(long incidentId, string externalId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CapturedSql);
        command.Parameters.AddBigint("incident_id", incidentId).AddText("external_id", externalId);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    public async Task<IReadOnlyList<TimelineEdit>> EditsAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EditsSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        return await ReadAllAsync<TimelineEdit>(command, cancellationToken);
    }

    /// <summary>Rows of (id, incident_id, body); the columns are the truth for the ids.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = PostgresJson.Deserialize<T>(reader.GetString(2));
            switch (row)
            {
                case TimelineEntry entry:
                    entry.Id = reader.GetInt64(0);
                    entry.IncidentId = reader.GetInt64(1);
                    break;
                case TimelineEdit edit:
                    edit.Id = reader.GetInt64(0);
                    edit.IncidentId = reader.GetInt64(1);
                    break;
            }

            rows.Add(row);
        }

        return rows;
    }
}
