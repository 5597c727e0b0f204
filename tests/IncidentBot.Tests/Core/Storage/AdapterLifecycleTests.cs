using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>Opening, initialising and reopening the stores: what differs between the adapters.</summary>
public class AdapterLifecycleTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Initialize_Twice_IsHarmless_AndKeepsTheData(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await DeclareAsync(s.Store, s.Now, "Survives");
        await s.Store.Lifecycle.InitializeAsync(None);

        await s.ReopenAsync();

        await s.Store.Lifecycle.PingAsync(None);
        Assert.Equal("Survives", (await LoadAsync(s.Store, 1)).Title);
        Assert.Equal(2, (await DeclareAsync(s.Store, s.Now, "Next")).Number);
        Assert.Contains(provider, s.Store.Lifecycle.Describe(), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task LiteDb_SecondAdapterOnTheSameFile_IsRefusedNamingTheLock_AndAfterARestartEveryLeaseIsCleared()
    {
        await using var s = await StoreSession.OpenAsync(TestDatabases.LiteDb);
        await AcceptAllAsync(s.Store, Work("A1", "A", s.Now), Work("A2", "A", s.Now));
        var leased = Assert.Single(await ClaimAsync(s, "old-process", lease: TimeSpan.FromMinutes(10)));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => s.Database.OpenAsync(new FakeTimeProvider(StoreSession.Start)));

        Assert.Contains("lock", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("old-process", (await FindWorkAsync(s.Store, leased.Id)).LeaseOwner); // the first adapter still works

        await s.ReopenAsync(); // the old process is gone; the clock has not moved: its lease has not run out

        var cleared = await FindWorkAsync(s.Store, leased.Id);
        Assert.Equal((WorkStatus.Pending, (string?)null, (DateTime?)null), (cleared.Status, cleared.LeaseOwner, cleared.LeaseUntil));
        var reclaimed = Assert.Single(await ClaimAsync(s, "new-process"));
        Assert.Equal(leased.Id, reclaimed.Id);
        Assert.Equal("new-process", reclaimed.LeaseOwner);
    }

    [SkippableFact]
    public async Task Postgres_TwoReplicasInitializingAMissingDatabaseAtOnce_BothSucceed()
    {
        TestDatabases.RequirePostgres();
        for (var trial = 0; trial < 20; trial++)
        {
            var name = TestDatabases.NewPostgresDatabaseName();
            var options = new IncidentBot.Core.Options.StorageOptions
            {
                Provider = TestDatabases.Postgres,
                ConnectionString = TestDatabases.PostgresConnectionString(name),
            };
            var clock = new FakeTimeProvider(StoreSession.Start);
            StorageAdapter? first = null, second = null;
            try
            {
                first = TestDatabases.OpenAdapter(options, clock);
                second = TestDatabases.OpenAdapter(options, clock);
                var a = first;
                var b = second;

                var both = Task.WhenAll(Task.Run(() => a.Lifecycle.InitializeAsync(None)), Task.Run(() => b.Lifecycle.InitializeAsync(None)));
                try
                {
                    await both;
                }
                catch
                {
                    var errors = both.Exception?.InnerExceptions.Select(e => e.GetType().Name + ": " + e.Message) ?? [];
                    Assert.Fail($"Trial {trial}: initialising twice at once failed: {string.Join(" | ", errors)}");
                }

                await a.Lifecycle.PingAsync(None);
                await b.Lifecycle.PingAsync(None);
                Assert.Equal(1, (await DeclareAsync(a, clock.GetUtcNow().UtcDateTime, "first")).Number);
                Assert.Equal(2, (await DeclareAsync(b, clock.GetUtcNow().UtcDateTime, "second")).Number);
            }
            finally
            {
                first?.Dispose();
                second?.Dispose();
                await TestDatabases.DropPostgresDatabaseAsync(name);
            }
        }
    }
}
