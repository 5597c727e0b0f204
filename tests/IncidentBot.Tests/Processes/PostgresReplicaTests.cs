using System.Globalization;
using System.Net;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// Replicas on one PostgreSQL database as separate processes: a killed replica's work moves to the other within a
/// few leases, and replicas starting together on a database that does not exist yet all start.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PostgresReplicaTests : IAsyncLifetime
{
    /// <summary><c>Outbox:LeaseDuration</c> at its minimum, so a dead replica's work moves quickly.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private const string EnsureChannel = "incident.channel.ensure";

    private BotProcesses _bots = null!;
    private FakeSlackApi _slack = null!;

    public async Task InitializeAsync()
    {
        _bots = BotProcesses.InNewFolder();
        _slack = await FakeSlackApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bots.DisposeAsync();
        await _slack.DisposeAsync();
    }

    /// <summary>A database name that does not exist yet, dropped after the test; the bots create it.</summary>
    private string NewDatabase()
    {
        var database = TestDatabases.NewPostgresDatabaseName();
        _bots.OnDispose(() => TestDatabases.DropPostgresDatabaseAsync(database));
        return TestDatabases.PostgresConnectionString(database);
    }

    private static Dictionary<string, string?> Storage(string connectionString) => new()
    {
        ["Storage:Provider"] = TestDatabases.Postgres,
        ["Storage:ConnectionString"] = connectionString,
    };

    [SkippableFact]
    public async Task ReplicaKilledWhileSlackHangs_TheOtherReplicaRunsTheWorkWithinAFewLeases()
    {
        TestDatabases.RequirePostgres();
        await _bots.RunAsync(async () =>
        {
            var connection = NewDatabase();
            Dictionary<string, string?> Replica(string name)
            {
                // Each replica calls Slack on its own base URL, so Slack's calls say which replica made them.
                var settings = ProcessSlack.Settings(_slack.ApiBaseUrlFor(name), Storage(connection));
                settings["Outbox:LeaseDuration"] = Lease.ToString("c", CultureInfo.InvariantCulture);
                // A's held call must outlast B's start-up and two leases even on a loaded machine: at the default ten
                // seconds it timed out first, A gave the item back, and the lease owner checked below was nobody's.
                settings["Outbound:AttemptTimeout"] = "00:00:30";
                return settings;
            }

            var onA = _slack.Hold("conversations.create", c => c.Caller == "a", times: int.MaxValue); // A's calls never come back
            var onB = _slack.Hold("conversations.create", c => c.Caller == "b"); // B's first call waits until the test looked
            var a = await _bots.StartReadyAsync("a", Replica("a"));
            await a.DeclareAsync(_slack);
            await BotProcesses.WithinAsync(onA.Arrived, BotProcess.Patience, "replica A to call conversations.create");
            var b = await _bots.StartReadyAsync("b", Replica("b"));

            using var store = TestDatabases.OpenAdapter(new StorageOptions { Provider = TestDatabases.Postgres, ConnectionString = connection }, TimeProvider.System);

            // Both alive for two more leases (B polls every 100 ms): A renews its lease, so the item stays A's.
            await Task.Delay(2 * Lease);
            var held = await EnsureChannelItemAsync(store);
            Assert.Equal((1, WorkStatus.Pending), (held.Attempts, held.Status));
            Assert.Contains($":{a.Id}:", held.LeaseOwner, StringComparison.Ordinal);
            Assert.Equal(0, onB.Count);

            await a.KillAsync();

            // A killed replica gives nothing back: B takes the item once A's last renewal runs out (at most one lease)
            // and B polls again. Five leases leave room for a slow machine and still fail the way this used to work,
            // when a claim was neither renewed nor released and lasted about two minutes.
            await BotProcesses.WithinAsync(onB.Arrived, 5 * Lease, "replica B to take the killed replica's item and call conversations.create");
            var taken = await store.Queue.FindAsync(held.Id, CancellationToken.None);
            Assert.Equal((2, WorkStatus.Pending), (taken!.Attempts, taken.Status));
            Assert.Contains($":{b.Id}:", taken.LeaseOwner, StringComparison.Ordinal);

            onB.Release();
            var channel = await _slack.DeclaredAsync();
            WorkItem? done = null;
            await BotProcesses.EventuallyAsync(async () =>
            {
                done = await store.Queue.FindAsync(held.Id, CancellationToken.None);
                return done?.Status == WorkStatus.Done;
            }, "the channel item to be done");

            Assert.Equal(2, done!.Attempts);
            Assert.Equal([ProcessSlack.ChannelName], _slack.IncidentChannels().Select(c => c.Name));
            Assert.Equal(channel.Id, (await store.Incidents.FindAsync(1, CancellationToken.None))!.Channels.Single().ChannelId);
            Assert.Equal(["b"], _slack.CallsTo("conversations.create").Where(c => c.Caller != "a").Select(c => c.Caller));
        });
    }

    /// <summary>
    /// Two replicas at once on a database that does not exist yet, twenty times: both create it (one wins, the other
    /// takes its CREATE DATABASE losing as success), both migrate (one after the other, under the advisory lock) and
    /// both must reach <c>/readyz</c> 200. The race is in the database, so two hosts in this process race there as two
    /// processes would: these trials use in-process hosts (<see cref="KestrelBot"/>), because a process costs the two
    /// cores about three seconds to start (two replicas took 5–6.5 s a trial) and twenty such trials would add about
    /// two minutes. <see cref="TwoReplicaProcessesStartingTogetherOnAMissingDatabase_BothStart"/> keeps a few trials
    /// with real processes.
    /// </summary>
    [SkippableFact]
    public async Task TwoReplicasStartingTogetherOnAMissingDatabase_BothStart_InEveryTrial()
    {
        TestDatabases.RequirePostgres();
        var failures = new List<string>();
        for (var trial = 1; trial <= 20; trial++)
        {
            var database = TestDatabases.NewPostgresDatabaseName();
            var settings = Storage(TestDatabases.PostgresConnectionString(database));
            settings["Logging:LogLevel:Default"] = "Error"; // forty hosts' start-up lines would drown the test log
            var starts = new[] { "a", "b" }.Select(_ => Task.Run(() => KestrelBot.StartAsync(settings))).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            catch (Exception)
            {
                // Each start is looked at below.
            }

            try
            {
                foreach (var (start, replica) in starts.Zip(new[] { "a", "b" }))
                {
                    if (!start.IsCompletedSuccessfully)
                    {
                        failures.Add($"trial {trial}, replica {replica}: start aborted: {start.Exception?.InnerException}");
                        continue;
                    }

                    using var http = new HttpClient { BaseAddress = new Uri(start.Result.BaseUrl) };
                    using var ready = await http.GetAsync("/readyz");
                    if (ready.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"trial {trial}, replica {replica}: /readyz answered {(int)ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
                    }
                }
            }
            finally
            {
                foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
                {
                    await start.Result.DisposeAsync();
                }

                await TestDatabases.DropPostgresDatabaseAsync(database);
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>As above with two real processes a trial, a few times (see the in-process trials for why only a few).</summary>
    [SkippableFact]
    public async Task TwoReplicaProcessesStartingTogetherOnAMissingDatabase_BothStart()
    {
        TestDatabases.RequirePostgres();
        await _bots.RunAsync(async () =>
        {
            for (var trial = 1; trial <= 3; trial++)
            {
                var settings = Storage(NewDatabase());
                var replicas = new[] { _bots.Start($"trial {trial} a", settings), _bots.Start($"trial {trial} b", settings) };
                await Task.WhenAll(replicas.Select(r => r.WaitReadyAsync()));
                await Task.WhenAll(replicas.Select(r => r.KillAsync()));
            }
        });
    }

    private static async Task<WorkItem> EnsureChannelItemAsync(StorageAdapter store) =>
        Assert.Single(await store.AllWorkAsync(), i => i.Kind == EnsureChannel);
}
