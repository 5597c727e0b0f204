using IncidentBot.Core.Storage;
using IncidentBot.Storage.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// A write is reported stored (and a command acknowledged) only once it would survive a power cut: LiteDB's commit
/// leaves its log pages with the operating system, so the writer must have the log flushed to disk first.
/// </summary>
public sealed class LiteDbDurabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-durable-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly LiteDbDatabase _database;
    private readonly HeldFlush _flush;
    private readonly LiteDbWriter _writer;
    private readonly WorkItemWriter _work;

    public LiteDbDurabilityTests()
    {
        _database = LiteDbDatabase.Open(Path.Combine(_folder, "bot.litedb"), _clock);
        _flush = new HeldFlush(_database);
        _writer = new LiteDbWriter(_database.Db, _flush.FlushLogToDisk, _clock, NullLogger.Instance);
        _work = new WorkItemWriter(_database, new UnsettledWorkIndex());
    }

    [Fact]
    public async Task AGroupOfAccepts_IsReportedStored_OnlyAfterTheLogReachedTheDisk()
    {
        _flush.Hold();
        var accepts = Enumerable.Range(1, 20)
            .Select(i => _writer.RunGroupedAsync(scope => _work.Accept(scope, Item($"command {i}", $"slack:trigger:{i}")), CancellationToken.None))
            .ToList();

        _flush.WaitUntilAsked();
        Assert.All(accepts, accept => Assert.False(accept.IsCompleted));

        _flush.Release();
        await Task.WhenAll(accepts);
        Assert.Equal(20, _database.Work.Count());
        Assert.InRange(_flush.Count, 1, 20);
    }

    [Fact]
    public async Task AWriteOfItsOwn_IsReportedStored_OnlyAfterTheLogReachedTheDisk()
    {
        _flush.Hold();
        var write = _writer.RunAsync(scope => { _work.Enqueue(scope, Item("reminder", "reminder:1")); return 0; }, CancellationToken.None);

        _flush.WaitUntilAsked();
        Assert.False(write.IsCompleted);

        _flush.Release();
        await write;
        Assert.Equal(1, _flush.Count);
    }

    [Fact]
    public async Task AFailedFlush_FailsTheWritesItCovered()
    {
        _flush.FailNext(new IOException("No space left on device"));

        var error = await Assert.ThrowsAsync<IOException>(() =>
            _writer.RunGroupedAsync(scope => _work.Accept(scope, Item("command", "slack:trigger:1")), CancellationToken.None));

        Assert.Equal("No space left on device", error.Message);
        Assert.True(await _writer.RunGroupedAsync(scope => _work.Accept(scope, Item("command", "slack:trigger:2")), CancellationToken.None));
    }

    [Fact]
    public async Task AWriteThatFailed_DoesNotWaitForAFlush()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _writer.RunAsync<int>(_ => throw new InvalidOperationException("refused"), CancellationToken.None));

        Assert.Equal(0, _flush.Count);
    }

    [Fact]
    public async Task TheLogFlushedByTheWriter_IsTheFileLiteDbWritesItsCommitsTo()
    {
        await _writer.RunGroupedAsync(scope => _work.Accept(scope, Item("command", "slack:trigger:1")), CancellationToken.None);

        var log = new FileInfo(Path.Combine(_folder, "bot-log.litedb"));
        Assert.True(log.Exists && log.Length > 0, "LiteDB wrote its commit to bot-log.litedb");
        Assert.Equal(1, _flush.Count);
    }

    [Fact]
    public async Task TheQueuesBookkeeping_DoesNotWaitForTheFlush_TheNextAcceptDoes()
    {
        var changes = new LiteDbChangeStore(_database, _writer, _work, new IncidentChangeBroadcast());
        var first = Item("command 1", "slack:trigger:1");
        await _writer.RunGroupedAsync(scope => _work.Accept(scope, first), CancellationToken.None);
        var flushes = _flush.Count;
        _flush.Hold();

        // Lost in a power cut, a claim or a completion only makes the run run (again): the runner goes on at once.
        var claimed = await _writer.RunAsync(scope => _work.Claim(scope, "inbox.slack", "owner-a", Now, TimeSpan.FromMinutes(1), 1),
            CancellationToken.None, waitForDisk: false).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first.Id, Assert.Single(claimed).Id);
        await changes.CommitAsync(new StoreChange { Completes = new WorkCompletion(first.Id, "owner-a") }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkStatus.Done, _database.Work.FindById(first.Id).Status);
        Assert.Equal(flushes, _flush.Count);

        var accept = _writer.RunGroupedAsync(scope => _work.Accept(scope, Item("command 2", "slack:trigger:2")), CancellationToken.None);
        _flush.WaitUntilAsked();
        Assert.False(accept.IsCompleted);

        _flush.Release();
        Assert.True(await accept);
        Assert.Equal(flushes + 1, _flush.Count);
    }

    [Fact]
    public async Task AChangeNotFromARun_WaitsForTheFlush()
    {
        var changes = new LiteDbChangeStore(_database, _writer, _work, new IncidentChangeBroadcast());
        _flush.Hold();

        var change = new StoreChange();
        change.Enqueued.Add(Item("reminder", "reminder:1"));
        var commit = changes.CommitAsync(change, CancellationToken.None);

        _flush.WaitUntilAsked();
        Assert.False(commit.IsCompleted);
        _flush.Release();
        await commit;
    }

    [Fact]
    public async Task TheLogOfAProcessThatDied_IsReplayedAtTheNextOpen()
    {
        for (var i = 1; i <= 3; i++)
        {
            await _writer.RunGroupedAsync(scope => _work.Accept(scope, Item($"command {i}", $"slack:trigger:{i}")), CancellationToken.None);
        }

        // What a killed process leaves behind: both files as they are, without the checkpoint of a clean close.
        var copy = Directory.CreateDirectory(Path.Combine(_folder, "after-a-crash")).FullName;
        File.Copy(Path.Combine(_folder, "bot.litedb"), Path.Combine(copy, "bot.litedb"));
        File.Copy(Path.Combine(_folder, "bot-log.litedb"), Path.Combine(copy, "bot-log.litedb"));

        using (var reopened = LiteDbDatabase.Open(Path.Combine(copy, "bot.litedb"), _clock))
        {
            Assert.Equal(["command 1", "command 2", "command 3"], reopened.Work.FindAll().Select(w => w.Payload).Order());
        }

        Assert.False(File.Exists(Path.Combine(copy, "bot-log.litedb")), "a clean close checkpoints the log and removes it");
    }

    [Fact]
    public async Task TheLog_IsCopiedIntoTheDataFile_BeforeItGrowsPastTheCheckpointSize()
    {
        // Every write waits while LiteDB copies its log into the data file, for as long as the log is big.
        const int pageSize = 8192;
        var log = new FileInfo(Path.Combine(_folder, "bot-log.litedb"));
        var payload = new string('x', 6000); // over half a page: each accept writes a data page, index pages, the header
        long largest = 0;
        for (var i = 1; i <= 2 * LiteDbDatabase.CheckpointPages; i++)
        {
            await _writer.RunGroupedAsync(scope => _work.Accept(scope, Item($"{i} {payload}", $"slack:trigger:{i}")), CancellationToken.None);
            log.Refresh();
            largest = Math.Max(largest, log.Length);
        }

        Assert.Equal(2 * LiteDbDatabase.CheckpointPages, _database.Work.Count());
        // One commit's pages may go past the size before the copy that follows it.
        Assert.InRange(largest, 1, (LiteDbDatabase.CheckpointPages + 20L) * pageSize);
        Assert.Equal(LiteDbDatabase.CheckpointPages, _database.Db.CheckpointSize);
    }

    [Fact]
    public void AFileMadeWithLiteDbsDefaults_TakesTheCheckpointSize_WhenOpened()
    {
        var path = Path.Combine(_folder, "older.litedb");
        using (var plain = new LiteDB.LiteDatabase(path))
        {
            plain.GetCollection("work").Insert(new LiteDB.BsonDocument { ["payload"] = "command" });
            Assert.NotEqual(LiteDbDatabase.CheckpointPages, plain.CheckpointSize);
        }

        using (var opened = LiteDbDatabase.Open(path, _clock))
        {
            Assert.Equal(LiteDbDatabase.CheckpointPages, opened.Db.CheckpointSize);
        }
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    private WorkItem Item(string payload, string uniqueKey) => new()
    {
        Topic = "inbox.slack", Key = "slack:C1", Kind = "command", Payload = payload, UniqueKey = uniqueKey, DueAt = Now,
    };

    public void Dispose()
    {
        _flush.Release();
        _writer.Dispose();
        _database.Dispose();
        _flush.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The database's own flush, which a test can hold (to see who waits for it) or make fail once.</summary>
    private sealed class HeldFlush(LiteDbDatabase database) : IDisposable
    {
        private readonly ManualResetEventSlim _open = new(true);
        private readonly ManualResetEventSlim _asked = new(false);
        private Exception? _failure;
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public void FailNext(Exception failure) => _failure = failure;

        public void WaitUntilAsked() => Assert.True(_asked.Wait(TimeSpan.FromSeconds(30)), "the writer never flushed the log");

        public void FlushLogToDisk()
        {
            _asked.Set();
            _open.Wait();
            if (Interlocked.Exchange(ref _failure, null) is { } failure)
            {
                throw failure;
            }

            database.FlushLogToDisk();
            Interlocked.Increment(ref _count);
        }

        public void Dispose()
        {
            _open.Dispose();
            _asked.Dispose();
        }
    }
}
