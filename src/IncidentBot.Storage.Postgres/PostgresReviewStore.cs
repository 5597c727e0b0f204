using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The review calendar (sessions with their bookings, its revision), review documents and calendar feeds.</summary>
internal sealed class PostgresReviewStore(NpgsqlDataSource dataSource, TimeProvider clock) : IReviewStore
{
    private const string CalendarSql = "SELECT revision, freeze_checked_up_to FROM review_calendar WHERE id = 1";

    private const string SessionsSql = "SELECT start_utc, body FROM review_sessions WHERE start_utc >= @from ORDER BY start_utc";

    /// <summary>Containment on the bookings array (served by the GIN index on <c>body -&gt; 'Bookings'</c>).</summary>
    private const string BookingSql =
        "SELECT start_utc, body FROM review_sessions " +
        "WHERE body -> 'Bookings' @> jsonb_build_array(jsonb_build_object('IncidentId', @incident_id)) " +
        "ORDER BY start_utc DESC LIMIT 1";

    private const string DocumentSql = "SELECT body FROM review_documents WHERE incident_id = @incident_id";

    private const string RevokeFeedsSql =
        "UPDATE calendar_feeds SET revoked_at = @now WHERE person_key = @person_key AND revoked_at IS NULL AND token_hash <> @token_hash";

    private const string InsertFeedSql =
        "INSERT INTO calendar_feeds (person_key, token_hash, created_at, revoked_at) VALUES (@person_key, @token_hash, @created_at, NULL) " +
        "ON CONFLICT (token_hash) DO UPDATE SET person_key = excluded.person_key, created_at = excluded.created_at, revoked_at = NULL";

    private const string FindFeedSql =
        "SELECT person_key, token_hash, created_at, revoked_at FROM calendar_feeds WHERE token_hash = @token_hash AND revoked_at IS NULL";

    public const string UpdateCalendarSql =
        "UPDATE review_calendar SET revision = revision + 1, freeze_checked_up_to = COALESCE(@freeze_checked_up_to, freeze_checked_up_to) " +
        "WHERE id = 1 AND revision = @expected RETURNING revision";

    public const string UpsertSessionSql =
        "INSERT INTO review_sessions (start_utc, body) VALUES (@start_utc, @body) " +
        "ON CONFLICT (start_utc) DO UPDATE SET body = excluded.body RETURNING 1";

    public const string UpsertDocumentSql =
        "INSERT INTO review_documents (incident_id, body) VALUES (@incident_id, @body) " +
        "ON CONFLICT (incident_id) DO UPDATE SET body = excluded.body RETURNING 1";

    public async Task<ReviewCalendarState> LoadCalendarAsync(DateTime fromUtc, CancellationToken cancellationToken)
    {
        // The revision is read before the sessions: a write in between makes the revision stale, never the sessions.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CalendarSql));
        var sessions = new NpgsqlBatchCommand(SessionsSql);
        sessions.Parameters.AddTime("from", fromUtc);
        batch.BatchCommands.Add(sessions);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        long revision = 0;
        DateTime? checkpoint = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            revision = reader.GetInt64(0);
            checkpoint = PostgresTime.ReadNullable(reader, 1);
        }

        await reader.NextResultAsync(cancellationToken);
        var list = new List<ReviewSession>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadSession(reader));
        }

        return new ReviewCalendarState(list, revision, checkpoint);
    }

    public async Task<ReviewSession?> FindBookingSessionAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(BookingSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSession(reader) : null;
    }

    public async Task<ReviewDocument?> FindDocumentAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DocumentSql);
        command.Parameters.AddBigint("incident_id", incidentId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not string json)
        {
            return null;
        }

        var document = PostgresJson.Deserialize<ReviewDocument>(json);
        document.IncidentId = incidentId;
        return document;
    }

    public async Task IssueFeedAsync(CalendarFeed feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var now = PostgresTime.Now(clock);
        if (feed.CreatedAt == default)
        {
            feed.CreatedAt = now;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var revoke = new NpgsqlBatchCommand(RevokeFeedsSql);
        revoke.Parameters.AddTime("now", now).AddText("person_key", feed.PersonKey).AddText("token_hash", feed.TokenHash);
        var insert = new NpgsqlBatchCommand(InsertFeedSql);
        insert.Parameters.AddText("person_key", feed.PersonKey).AddText("token_hash", feed.TokenHash).AddTime("created_at", feed.CreatedAt);
        batch.BatchCommands.Add(revoke);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feed.RevokedAt = null;
    }

    public async Task<CalendarFeed?> FindFeedAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindFeedSql);
        command.Parameters.AddText("token_hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CalendarFeed
        {
            PersonKey = reader.GetString(0),
            TokenHash = reader.GetString(1),
            CreatedAt = PostgresTime.Read(reader, 2),
            RevokedAt = PostgresTime.ReadNullable(reader, 3),
        };
    }

    private static ReviewSession ReadSession(NpgsqlDataReader reader)
    {
        var session = PostgresJson.Deserialize<ReviewSession>(reader.GetString(1));
        session.StartUtc = PostgresTime.Read(reader, 0);
        return session;
    }
}
