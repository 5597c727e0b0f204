using System.Net;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// The embedded store with real processes: a process killed mid-declare and started again on the same file finishes
/// the work once, and a second process on a file in use refuses to start.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LiteDbProcessTests : IAsyncLifetime
{
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

    /// <summary>
    /// The lease is far longer than the tests wait for anything: the process started again on the file must take the
    /// killed one's work at once (it owns the file, so leases left in it are void), not when those leases run out.
    /// </summary>
    private Dictionary<string, string?> Settings(string file) => ProcessSlack.Settings(_slack.ApiBaseUrl, new Dictionary<string, string?>
    {
        ["Storage:Provider"] = TestDatabases.LiteDb,
        ["Storage:Path"] = file,
        ["Outbox:LeaseDuration"] = "00:10:00",
    });

    [Fact]
    public Task KilledWhileSlackMakesTheChannel_RestartedOnTheSameFile_OneIncidentOneChannel() => _bots.RunAsync(async () =>
    {
        var file = _bots.LiteDbFile();
        // Slack makes the channel, but its answer is still on the way when the process dies.
        var create = _slack.Hold("conversations.create", done: true);
        var first = await _bots.StartReadyAsync("first", Settings(file));
        await first.DeclareAsync(_slack);
        await BotProcesses.WithinAsync(create.Arrived, BotProcess.Patience, "the bot to call conversations.create");
        await first.KillAsync();

        await _bots.StartReadyAsync("second", Settings(file));
        var channel = await _slack.DeclaredAsync();

        await AssertOneIncidentInChannelAsync(file, channel);
        Assert.Equal(ProcessSlack.ChannelName, channel.Name); // adopted on the replay, not "-2"
    });

    [Fact]
    public Task KilledWhilePostingTheStatusCard_RestartedOnTheSameFile_OneIncidentOneChannel() => _bots.RunAsync(async () =>
    {
        var file = _bots.LiteDbFile();
        // The card reaches the channel, but the answer (its ts) never reaches the bot.
        var card = _slack.Hold("chat.postMessage", c => c["channel"] != SlackHarness.Announcements && c["blocks"].Length > 0, done: true);
        var first = await _bots.StartReadyAsync("first", Settings(file));
        await first.DeclareAsync(_slack);
        await BotProcesses.WithinAsync(card.Arrived, BotProcess.Patience, "the bot to post the status card");
        await first.KillAsync();

        await _bots.StartReadyAsync("second", Settings(file));
        var channel = await _slack.DeclaredAsync();

        await AssertOneIncidentInChannelAsync(file, channel);
    });

    [Fact]
    public Task SecondProcessOnTheSameFile_RefusesToStart_NamingTheFile_AndTheFirstKeepsServing() => _bots.RunAsync(async () =>
    {
        var file = _bots.LiteDbFile();
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = TestDatabases.LiteDb, ["Storage:Path"] = file };
        var first = await _bots.StartReadyAsync("first", settings);

        var second = _bots.Start("second", settings);
        await Task.WhenAny(second.Exited, second.Listening);

        Assert.False(second.Listening.IsCompletedSuccessfully, "The second process started listening on a file the first one holds.");
        var exitCode = await second.WaitForExitAsync();
        Assert.NotEqual(0, exitCode);
        Assert.Single(second.Lines, l => l.StartsWith("err| ", StringComparison.Ordinal)
            && l.Contains($"Another IncidentBot process is using {file} (lock file {file}.lock)", StringComparison.Ordinal));

        using var ready = await first.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(first.HasExited);
    });

    /// <summary>
    /// Stops the bot (SIGTERM), then reads its file: one incident, linked to <paramref name="channel"/>, the only
    /// incident channel Slack has, and no work left over.
    /// </summary>
    private async Task AssertOneIncidentInChannelAsync(string file, FakeChannel channel)
    {
        await _bots.StopAllAsync();
        using var store = TestDatabases.OpenAdapter(new StorageOptions { Provider = TestDatabases.LiteDb, Path = file }, TimeProvider.System);
        var incidents = await store.Incidents.ListAsync(new IncidentQuery("probe", SeesEverything: true), CancellationToken.None);
        var work = await store.AllWorkAsync();
        var workText = string.Join(Environment.NewLine, work.Select(i => $"#{i.Id} {i.Topic} {i.Kind} {i.Status} attempts {i.Attempts} due {i.DueAt:O}: {i.Result ?? i.LastError}"));

        var incident = Assert.Single(incidents.Items);
        Assert.Equal(channel.Id, await store.Incidents.ChannelIdAsync(incident.Id, "slack", CancellationToken.None));
        Assert.Equal([channel.Id], _slack.IncidentChannels().Select(c => c.Id));
        Assert.True(work.TrueForAll(i => i.Status == WorkStatus.Done || i.DueAt > DateTime.UtcNow),
            $"Work was left undone:{Environment.NewLine}{workText}");
        Assert.Single(_slack.Responses, r => r["text"]!.GetValue<string>().StartsWith("INC-1 declared", StringComparison.Ordinal));
    }
}
