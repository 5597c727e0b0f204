using IncidentBot.Core.Storage;
using IncidentBot.Storage.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// The LiteDB writer keeps pending work items in memory so that claims and completions need not read them back from the
/// file. What it keeps must be what is committed, also to a transaction that changed the item a moment before, and
/// after one that rolled back.
/// </summary>
public sealed class LiteDbPendingItemsTests : IDisposable
{
    private const string Topic = "inbox.slack";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-pending-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly LiteDbDatabase _database;
    private readonly LiteDbWriter _writer;
    private readonly WorkItemWriter _work;

    public LiteDbPendingItemsTests()
    {
        _database = LiteDbDatabase.Open(Path.Combine(_folder, "bot.litedb"), _clock);
        _writer = new LiteDbWriter(_database.Db, _database.FlushLogToDisk, _clock, NullLogger.Instance);
        _work = new WorkItemWriter(_database, new UnsettledWorkIndex());
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task AClaimAfterACancelInTheSameTransaction_FindsTheItemCancelled()
    {
        await _writer.RunAsync(scope => { _work.Enqueue(scope, Item("reminder", uniqueKey: "reminder:1")); return 0; }, CancellationToken.None);

        var claimed = await _writer.RunAsync(scope =>
        {
            _work.Cancel(scope, "reminder:1");
            return _work.Claim(scope, Topic, "owner-a", Now, Lease, 10);
        }, CancellationToken.None);

        Assert.Empty(claimed);
        Assert.Equal(WorkStatus.Cancelled, Assert.Single(_database.Work.FindAll()).Status);
        Assert.Empty(await _writer.RunAsync(scope => _work.Claim(scope, Topic, "owner-a", Now, Lease, 10), CancellationToken.None));
    }

    /// <summary>
    /// Claims share the group commit with the writes waiting beside them, yet read the pending-work index, which a write
    /// reaches only as it commits: each claim leads a transaction of its own, so it never takes what another claim of
    /// the same batch took, nor holds two items of a key.
    /// </summary>
    [Fact]
    public async Task ClaimsWaitingTogether_WithOtherWrites_EachReadWhatIsCommitted()
    {
        await _writer.RunAsync(scope =>
        {
            _work.Accept(scope, Item("C1 first"));
            _work.Accept(scope, Item("C1 second"));
            _work.Accept(scope, Item("C2 first", key: "C2"));
            return 0;
        }, CancellationToken.None);

        // The writer is held while the next batch gathers: an accept and two claims, taken together. It must have taken
        // the holding write alone first: taken with the accept, the accept would commit before it.
        var gate = new ManualResetEventSlim();
        var holding = new ManualResetEventSlim();
        var held = _writer.RunAsync(_ =>
        {
            holding.Set();
            return gate.Wait(TimeSpan.FromSeconds(30));
        }, CancellationToken.None);
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30)), "the writer took the holding write");
        var accepted = _writer.RunGroupedAsync(scope => _work.Accept(scope, Item("C3 first", key: "C3")), CancellationToken.None);
        var first = _writer.RunGroupedFirstAsync(scope => _work.Claim(scope, Topic, "owner-a", Now, Lease, 10), CancellationToken.None);
        var second = _writer.RunGroupedFirstAsync(scope => _work.Claim(scope, Topic, "owner-b", Now, Lease, 10), CancellationToken.None);
        gate.Set();
        Assert.True(await held);
        Assert.True(await accepted);

        Assert.Equal(["C1 first", "C2 first"], (await first).Select(i => i.Payload).Order());
        Assert.Equal(["C3 first"], (await second).Select(i => i.Payload));
        Assert.All(_database.Work.Find(x => x.LeaseOwner != null), i => Assert.Equal(1, i.Attempts));
    }

    [Fact]
    public async Task AClaimThatRolledBack_LeavesTheItemAsCommitted_ForTheNextClaim()
    {
        var item = Item("command");
        await _writer.RunAsync(scope => _work.Accept(scope, item), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _writer.RunAsync<int>(scope =>
        {
            Assert.Single(_work.Claim(scope, Topic, "owner-a", Now, Lease, 10));
            throw new InvalidOperationException("the rest of the transaction failed");
        }, CancellationToken.None));

        var claimed = Assert.Single(await _writer.RunAsync(scope => _work.Claim(scope, Topic, "owner-b", Now, Lease, 10), CancellationToken.None));
        Assert.Equal(("owner-b", 1), (claimed.LeaseOwner, claimed.Attempts));
        Assert.True(await _writer.RunAsync(scope => _work.TryComplete(scope, new WorkCompletion(claimed.Id, "owner-b", "done")), CancellationToken.None));
        Assert.False(await _writer.RunAsync(scope => _work.TryComplete(scope, new WorkCompletion(claimed.Id, "owner-a", "done")), CancellationToken.None));
        Assert.Equal((WorkStatus.Done, "done"), (_database.Work.FindById(claimed.Id).Status, _database.Work.FindById(claimed.Id).Result));
    }

    [Fact]
    public async Task AnItemWrittenTwiceInOneTransaction_IsKeptAsItWasWrittenLast()
    {
        // A timed check that runs schedules its successor under its own key (it gives the key up, still running) and
        // completes, in one change.
        await _writer.RunAsync(scope => { _work.Enqueue(scope, Item("check", uniqueKey: "nudges:1")); return 0; }, CancellationToken.None);
        var running = Assert.Single(await _writer.RunAsync(scope => _work.Claim(scope, Topic, "owner-a", Now, Lease, 10), CancellationToken.None));
        await _writer.RunAsync(scope =>
        {
            _work.Enqueue(scope, Item("next check", uniqueKey: "nudges:1"));
            _work.Complete(scope, new WorkCompletion(running.Id, "owner-a"));
            return 0;
        }, CancellationToken.None);

        Assert.False(await _writer.RunAsync(scope => _work.TryComplete(scope, new WorkCompletion(running.Id, "owner-a")), CancellationToken.None));
        _clock.Advance(Lease * 2);
        var next = Assert.Single(await _writer.RunAsync(scope => _work.Claim(scope, Topic, "owner-b", Now, Lease, 10), CancellationToken.None));
        Assert.Equal("next check", next.Payload);
        Assert.Equal(WorkStatus.Done, _database.Work.FindById(running.Id).Status);
    }

    [Fact]
    public async Task TheItemsAClaimReturns_AreTheCallers_ChangingThemChangesNothingStored()
    {
        await _writer.RunAsync(scope => _work.Accept(scope, Item("command")), CancellationToken.None);
        var claimed = Assert.Single(await _writer.RunAsync(scope => _work.Claim(scope, Topic, "owner-a", Now, Lease, 10), CancellationToken.None));

        claimed.LeaseOwner = "someone else";
        claimed.Payload = "changed by the caller";

        Assert.True(await _writer.RunAsync(scope => _work.TryComplete(scope, new WorkCompletion(claimed.Id, "owner-a", null)), CancellationToken.None));
        Assert.Equal("command", _database.Work.FindById(claimed.Id).Payload);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private WorkItem Item(string payload, string? uniqueKey = null, string key = "C1") =>
        new() { Topic = Topic, Key = $"slack:{key}", Kind = "command", Payload = payload, UniqueKey = uniqueKey, DueAt = Now };
}
