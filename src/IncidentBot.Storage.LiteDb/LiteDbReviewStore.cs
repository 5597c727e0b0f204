using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbReviewStore(LiteDbDatabase database, LiteDbWriter writer) : IReviewStore
{
    public Task<ReviewCalendarState> LoadCalendarAsync(DateTime fromUtc, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (revision, freezeCheckedUpTo) = ReviewCalendar.State(database);
        // The time as a parameter: LiteDB compiles and keeps every expression text, and this one is asked from "now".
        var sessions = database.Sessions.Find(LiteDbExpressions.Get("_id >= @0", ReviewCalendar.SessionId(fromUtc)))
            .Select(doc => database.Mapper.ToObject<ReviewSession>(doc))
            .OrderBy(s => s.StartUtc)
            .ToList();
        return Task.FromResult(new ReviewCalendarState(sessions, revision, freezeCheckedUpTo));
    }

    public Task<ReviewSession?> FindBookingSessionAsync(long incidentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var doc = database.Sessions.FindOne("$.Bookings[*].IncidentId ANY = @0", incidentId);
        return Task.FromResult(doc is null ? null : database.Mapper.ToObject<ReviewSession>(doc));
    }

    public Task<ReviewDocument?> FindDocumentAsync(long incidentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<ReviewDocument?>(database.Documents.FindById(incidentId));
    }

    public Task IssueFeedAsync(CalendarFeed feed, CancellationToken cancellationToken) =>
        writer.RunAsync(scope =>
        {
            var older = database.Feeds.Find(x => x.PersonKey == feed.PersonKey)
                .Where(f => f.RevokedAt is null && f.TokenHash != feed.TokenHash)
                .ToList();
            foreach (var revoked in older)
            {
                revoked.RevokedAt = scope.Now;
                database.Feeds.Update(revoked);
            }

            if (feed.CreatedAt == default)
            {
                feed.CreatedAt = scope.Now;
            }

            database.Feeds.Upsert(feed);
            return true;
        }, cancellationToken);

    public Task<CalendarFeed?> FindFeedAsync(string tokenHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var feed = database.Feeds.FindById(tokenHash);
        return Task.FromResult(feed is { RevokedAt: null } ? feed : null);
    }
}

/// <summary>The calendar's stored shape: sessions keyed by start ticks, and one document with revision and checkpoint.</summary>
internal static class ReviewCalendar
{
    private const string StateId = "calendar";

    public static long SessionId(DateTime startUtc) => LiteDbMapper.ToUtc(startUtc).Ticks;

    public static (long Revision, DateTime? FreezeCheckedUpTo) State(LiteDbDatabase database) =>
        database.Calendar.FindById(StateId) is { } doc
            ? (doc["Revision"].AsInt64, LiteDbMapper.Date(doc["FreezeCheckedUpTo"]))
            : (0, null);

    /// <summary>Writes the sessions and the next revision, if the calendar is still at the revision planned on.</summary>
    public static void Write(LiteDbDatabase database, CalendarWrite write)
    {
        var (revision, freezeCheckedUpTo) = State(database);
        if (revision != write.ExpectedRevision)
        {
            throw new StoreConflictException(StoreConflictKind.CalendarRevision,
                $"The review calendar is at revision {revision}, not {write.ExpectedRevision}; nothing was written.");
        }

        foreach (var session in write.Sessions)
        {
            var doc = database.Mapper.ToDocument(session);
            doc["_id"] = SessionId(session.StartUtc);
            database.Sessions.Upsert(doc);
        }

        database.Calendar.Upsert(new BsonDocument
        {
            ["_id"] = StateId,
            ["Revision"] = revision + 1,
            ["FreezeCheckedUpTo"] = LiteDbMapper.Date(write.FreezeCheckedUpTo ?? freezeCheckedUpTo),
        });
    }
}
