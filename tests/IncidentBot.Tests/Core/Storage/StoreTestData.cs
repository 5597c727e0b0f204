using System.Text.Json;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// One conformance test's store: a fresh database, an adapter opened on it and the fake clock it runs on.
/// Disposing closes the adapter and removes the database.
/// </summary>
public sealed class StoreSession : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private StoreSession(TestDatabase database, FakeTimeProvider clock, StorageAdapter store)
    {
        Database = database;
        Clock = clock;
        Store = store;
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>The adapter under test (null after <see cref="CloseStore"/>).</summary>
    public StorageAdapter Store { get; private set; }

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    public static async Task<StoreSession> OpenAsync(string provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        try
        {
            var clock = new FakeTimeProvider(Start);
            var store = await database.OpenAsync(clock);
            return new StoreSession(database, clock, store);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens one more adapter on the same database (another replica; PostgreSQL only) on the same clock.</summary>
    public Task<StorageAdapter> OpenAnotherAsync() => Database.OpenAsync(Clock);

    /// <summary>Closes the adapter (a process stopping), e.g. to reopen the same LiteDB file.</summary>
    public void CloseStore()
    {
        Store?.Dispose();
        Store = null!;
    }

    /// <summary>Closes the current adapter and opens a new one on the same database (a process restarting).</summary>
    public async Task ReopenAsync()
    {
        CloseStore();
        Store = await Database.OpenAsync(Clock);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            CloseStore();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }
}

/// <summary>Builders for the conformance tests' data.</summary>
public static class StoreTestData
{
    public const string Topic = "outbox.test";

    public static readonly CancellationToken None = CancellationToken.None;

    public static Actor Alice { get; } = Actor.Console("alice");

    /// <summary>
    /// Declares an incident the way the declare handler does: a fresh id, <see cref="Incident.Declare"/>, one commit
    /// carrying the incident and its first entries. <paramref name="shape"/> may change it before the commit.
    /// Returns the in-memory incident (its number set by the commit).
    /// </summary>
    public static async Task<Incident> DeclareAsync(StorageAdapter store, DateTime now, string title = "Checkout is down",
        string severity = "SEV2", bool isPrivate = false, Actor? by = null, Action<Incident>? shape = null)
    {
        var incident = NewIncident(await store.Incidents.NewIncidentIdAsync(None), now, title, severity, isPrivate, by);
        shape?.Invoke(incident);
        var change = new StoreChange { Declared = incident };
        change.NewEntries.AddRange(incident.Timeline);
        await store.Changes.CommitAsync(change, None);
        return incident;
    }

    /// <summary>An incident declared in memory (number 0: the store assigns it).</summary>
    public static Incident NewIncident(long id, DateTime now, string title = "Checkout is down", string severity = "SEV2",
        bool isPrivate = false, Actor? by = null) =>
        Incident.Declare(0, title, severity, by ?? Alice, now, isPrivate: isPrivate, id: id);

    /// <summary>The stored incident of <paramref name="number"/>; fails the test when it is missing.</summary>
    public static async Task<Incident> LoadAsync(StorageAdapter store, int number) =>
        await store.Incidents.FindAsync(number, None) ?? throw new Xunit.Sdk.XunitException($"INC-{number} is not stored.");

    public static TimelineEntry Note(Incident incident, DateTime occurredAt, string text, string? externalId = null, Actor? by = null) => new()
    {
        IncidentId = incident.Id,
        Kind = externalId is null ? TimelineKind.Note : TimelineKind.Captured,
        OccurredAt = occurredAt,
        RecordedAt = occurredAt,
        AuthorKey = (by ?? Alice).PersonKey,
        Text = text,
        ExternalId = externalId,
        TenantId = (by ?? Alice).TenantId,
    };

    public static async Task CommitAsync(StorageAdapter store, Action<StoreChange> build)
    {
        var change = new StoreChange();
        build(change);
        await store.Changes.CommitAsync(change, None);
    }

    /// <summary>A queue item of <see cref="Topic"/>; its payload names it so tests can tell items apart.</summary>
    public static WorkItem Work(string name, string? key, DateTime now, DateTime? dueAt = null, string? uniqueKey = null,
        string topic = Topic, string kind = "post") => new()
    {
        Topic = topic,
        Key = key,
        Kind = kind,
        Payload = name,
        UniqueKey = uniqueKey,
        CreatedAt = now,
        DueAt = dueAt ?? now,
    };

    /// <summary>Accepts the items in order, each durable before the next (so their age order is the given one).</summary>
    public static async Task AcceptAllAsync(StorageAdapter store, params WorkItem[] items)
    {
        foreach (var item in items)
        {
            Assert.True(await store.Queue.AcceptAsync(item, None), $"AcceptAsync refused the new item {item.Payload}.");
        }
    }

    public static Task<IReadOnlyList<WorkItem>> ClaimAsync(StoreSession s, string owner = "owner-1", int max = 10, TimeSpan? lease = null,
        StorageAdapter? store = null, string topic = Topic) =>
        (store ?? s.Store).Queue.ClaimAsync(topic, owner, s.Now, lease ?? TimeSpan.FromMinutes(1), max, None);

    /// <summary>The payloads (names) of claimed items, sorted, for set comparisons.</summary>
    public static string[] Names(IEnumerable<WorkItem> items) => items.Select(i => i.Payload).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Completes a claimed item by the commit that carries its (empty) effect.</summary>
    public static Task CompleteAsync(StorageAdapter store, WorkItem item, string owner = "owner-1", string? result = null) =>
        CommitAsync(store, c => c.Completes = new WorkCompletion(item.Id, owner, result));

    public static async Task<WorkItem> FindWorkAsync(StorageAdapter store, long id) =>
        await store.Queue.FindAsync(id, None) ?? throw new Xunit.Sdk.XunitException($"Work item {id} is not stored.");

    /// <summary>Asserts the same instant and that the store gave it back as UTC.</summary>
    public static void AssertUtc(DateTime expected, DateTime actual, string what)
    {
        Assert.True(expected == actual, $"{what}: expected {expected:O}, got {actual:O}.");
        Assert.True(actual.Kind == DateTimeKind.Utc, $"{what}: expected a UTC DateTime, got Kind={actual.Kind} ({actual:O}).");
    }

    public static void AssertUtc(DateTime? expected, DateTime? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected == actual, $"{what}: expected {expected:O}, got {actual:O}.");
            return;
        }

        AssertUtc(expected.Value, actual.Value, what);
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>
    /// A value as JSON, for comparing whole objects and lists: dates carry their kind (<c>Z</c> for UTC, an offset
    /// for local, nothing for unspecified), so a store that loses the kind fails the comparison.
    /// </summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>Every stored field of the incident document (its timeline and channels are stored apart, so not compared).</summary>
    public static void AssertSameDocument(Incident expected, Incident actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Number, actual.Number);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Service, actual.Service);
        Assert.Equal(expected.Severity, actual.Severity);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.IsPrivate, actual.IsPrivate);
        Assert.Equal(expected.DeclaredBy, actual.DeclaredBy);
        Assert.Equal(expected.Platform, actual.Platform);
        Assert.Equal(expected.TenantId, actual.TenantId);
        AssertUtc(expected.DeclaredAt, actual.DeclaredAt, nameof(Incident.DeclaredAt));
        AssertUtc(expected.ImpactStartedAt, actual.ImpactStartedAt, nameof(Incident.ImpactStartedAt));
        AssertUtc(expected.IdentifiedAt, actual.IdentifiedAt, nameof(Incident.IdentifiedAt));
        AssertUtc(expected.MitigatedAt, actual.MitigatedAt, nameof(Incident.MitigatedAt));
        AssertUtc(expected.ResolvedAt, actual.ResolvedAt, nameof(Incident.ResolvedAt));
        AssertUtc(expected.ClosedAt, actual.ClosedAt, nameof(Incident.ClosedAt));
        Assert.Equal(expected.Summary, actual.Summary);
        Assert.Equal(expected.CancelReason, actual.CancelReason);
        Assert.Equal(expected.DuplicateOfNumber, actual.DuplicateOfNumber);
        Assert.Equal(ToJson(expected.Roles), ToJson(actual.Roles));
        Assert.Equal(ToJson(expected.Members), ToJson(actual.Members));
        Assert.Equal(ToJson(expected.ActionItems), ToJson(actual.ActionItems));
    }

    /// <summary>Every field of a timeline entry, dates with their kind.</summary>
    public static void AssertSameEntry(TimelineEntry expected, TimelineEntry actual) => Assert.Equal(ToJson(expected), ToJson(actual));
}
