using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;

namespace IncidentBot.Core.Storage;

/// <summary>
/// Incidents. An incident is stored as one document (its fields, roles, members and action items); its timeline
/// entries and channel links are stored beside it. Loaded incidents carry their <see cref="Incident.Channels"/> but
/// not their timeline (<see cref="ITimelineStore"/>).
/// </summary>
public interface IIncidentStore
{
    /// <summary>An id for an incident about to be declared (ids may skip; numbers never do).</summary>
    Task<long> NewIncidentIdAsync(CancellationToken cancellationToken);

    Task<Incident?> FindAsync(int number, CancellationToken cancellationToken);

    Task<Incident?> FindByIdAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Incident>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>A page of the incidents the viewer may see, newest (highest number) first, and how many match in all.</summary>
    Task<IncidentPage> ListAsync(IncidentQuery query, CancellationToken cancellationToken);

    /// <summary>The incident a platform's channel (or Teams thread) belongs to.</summary>
    Task<int?> NumberByChannelAsync(string platform, string channelId, CancellationToken cancellationToken);

    /// <summary>The incident's channel on a platform, if any: one small read for executors posting there.</summary>
    Task<string?> ChannelIdAsync(long incidentId, string platform, CancellationToken cancellationToken);

    /// <summary>
    /// Links a channel to an incident. True when linked now or already linked to it; false when the channel belongs
    /// to another incident.
    /// </summary>
    Task<bool> LinkChannelAsync(IncidentChannel channel, CancellationToken cancellationToken);
}

/// <summary>
/// What <see cref="IIncidentStore.ListAsync"/> returns. The privacy rule lives here, in the query: a private
/// incident matches only when <see cref="ViewerKey"/> is an active member, unless <see cref="SeesEverything"/>
/// (a facilitator).
/// </summary>
/// <param name="ViewerKey">The person asking (<c>slack:U…</c>).</param>
/// <param name="SeesEverything">A facilitator: private incidents match too.</param>
/// <param name="Open">True: open incidents only; false: closed only; null: both.</param>
/// <param name="Search">Part of a title or a service (any case), or a reference (<c>INC-42</c>, <c>42</c>).</param>
/// <param name="Severity">One severity name, or null for all.</param>
/// <param name="Skip">Matches to pass over (paging).</param>
/// <param name="Take">Most matches to return (0: only count them).</param>
/// <param name="Status">One status, or null for all.</param>
/// <param name="Service">One affected service (any case), or null for all.</param>
/// <param name="DeclaredFrom">Declared at or after this UTC time.</param>
/// <param name="DeclaredBefore">Declared before this UTC time.</param>
public sealed record IncidentQuery(
    string ViewerKey,
    bool SeesEverything,
    bool? Open = null,
    string? Search = null,
    string? Severity = null,
    int Skip = 0,
    int Take = 50,
    IncidentStatus? Status = null,
    string? Service = null,
    DateTime? DeclaredFrom = null,
    DateTime? DeclaredBefore = null);

public sealed record IncidentPage(IReadOnlyList<Incident> Items, int Total);

/// <summary>Timeline entries and the audit of their edits.</summary>
public interface ITimelineStore
{
    /// <summary>The incident's entries in time order (then by id), hidden ones included.</summary>
    Task<IReadOnlyList<TimelineEntry>> ListAsync(long incidentId, CancellationToken cancellationToken);

    /// <summary>
    /// The same entries in the same order, read a page at a time as they are consumed: for exports, whose memory must
    /// not grow with the timeline. Entries committed while it reads may or may not be among them.
    /// </summary>
    IAsyncEnumerable<TimelineEntry> ReadAsync(long incidentId, CancellationToken cancellationToken);

    Task<TimelineEntry?> FindAsync(long incidentId, long entryId, CancellationToken cancellationToken);

    /// <summary>The entry that captured this platform message, if any.</summary>
    Task<long?> FindCapturedAsync(long incidentId, string externalId, CancellationToken cancellationToken);

    /// <summary>Edits of the incident's entries, oldest first.</summary>
    Task<IReadOnlyList<TimelineEdit>> EditsAsync(long incidentId, CancellationToken cancellationToken);
}

/// <summary>People the bot has seen, with their last display name.</summary>
public interface IPeopleStore
{
    /// <summary>Display names of those known; unknown keys are left out.</summary>
    Task<IReadOnlyDictionary<string, string>> NamesAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Insert or refresh one person, in a transaction of its own.</summary>
    Task RememberAsync(Person person, CancellationToken cancellationToken);

    /// <summary>
    /// People of one platform (<c>slack</c>, <c>teams</c>, <c>console</c>) whose display name, or the id in whose key, is
    /// <paramref name="name"/> ignoring case; at most <paramref name="limit"/>, so a caller can tell one from several.
    /// </summary>
    Task<IReadOnlyList<Person>> FindByNameAsync(string platform, string name, int limit, CancellationToken cancellationToken);
}

/// <summary>What the platform adapters keep: where they can talk (Teams), and the messages they keep current.</summary>
public interface IConversationStore
{
    /// <summary>Insert or refresh; a null field keeps the stored value.</summary>
    Task RememberAsync(ConversationReference reference, CancellationToken cancellationToken);

    /// <summary>A platform's references, newest first (at most 50), narrowed to a conversation, a channel (or thread) or a tenant.</summary>
    Task<IReadOnlyList<ConversationReference>> FindAsync(string platform, string? conversationId, string? channelId, string? tenantId,
        CancellationToken cancellationToken);

    /// <summary>The newest personal (1:1) conversation with <paramref name="personKey"/>, if one is known.</summary>
    Task<ConversationReference?> FindPersonalAsync(string platform, string personKey, CancellationToken cancellationToken);

    /// <summary>True when a reference with this service URL exists (Teams replies only to URLs learned from verified activities).</summary>
    Task<bool> KnowsServiceUrlAsync(string platform, string serviceUrl, CancellationToken cancellationToken);

    Task<IncidentMessage?> FindMessageAsync(long incidentId, string platform, string kind, CancellationToken cancellationToken);

    /// <summary>Insert or move the incident's message of this kind on this platform.</summary>
    Task SaveMessageAsync(IncidentMessage message, CancellationToken cancellationToken);
}

/// <summary>The review calendar as stored: sessions (with their bookings) from a date on, and its revision.</summary>
public sealed record ReviewCalendarState(IReadOnlyList<ReviewSession> Sessions, long Revision, DateTime? FreezeCheckedUpTo);

/// <summary>Review sessions, bookings, documents and calendar feeds.</summary>
public interface IReviewStore
{
    /// <summary>Sessions starting at or after <paramref name="fromUtc"/>, in start order, with the calendar's revision.</summary>
    Task<ReviewCalendarState> LoadCalendarAsync(DateTime fromUtc, CancellationToken cancellationToken);

    /// <summary>The session the incident is booked into, if any (past sessions included).</summary>
    Task<ReviewSession?> FindBookingSessionAsync(long incidentId, CancellationToken cancellationToken);

    Task<ReviewDocument?> FindDocumentAsync(long incidentId, CancellationToken cancellationToken);

    /// <summary>Stores a person's new feed and revokes their older ones, in one transaction.</summary>
    Task IssueFeedAsync(CalendarFeed feed, CancellationToken cancellationToken);

    /// <summary>The unrevoked feed with this token hash.</summary>
    Task<CalendarFeed?> FindFeedAsync(string tokenHash, CancellationToken cancellationToken);
}

/// <summary>Opening, upgrading and checking the store.</summary>
public interface IStorageLifecycle
{
    /// <summary>Creates or upgrades the schema (safe when replicas start together); takes what this process needs.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>A one-line description for start-up logs: provider and where.</summary>
    string Describe();
}

/// <summary>
/// One storage adapter's implementation of every port, opened once per process. The host picks the adapter named
/// by <c>Storage:Provider</c>; features see only the ports.
/// </summary>
public sealed record StorageAdapter(
    IIncidentStore Incidents,
    ITimelineStore Timeline,
    IPeopleStore People,
    IConversationStore Conversations,
    IReviewStore Reviews,
    IWorkQueueStore Queue,
    IChangeStore Changes,
    IStorageLifecycle Lifecycle,
    IIncidentChangeFeed ChangeFeed) : IDisposable
{
    public void Dispose()
    {
        (ChangeFeed as IDisposable)?.Dispose();
        (Lifecycle as IDisposable)?.Dispose();
    }
}
