using System.Net;
using System.Text.Json;
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

    /// <summary>A step of a declare or of an update, by the Slack call the bot is killed in (Slack has done it; the answer is lost).</summary>
    public static TheoryData<string> Steps =>
    [
        "conversations.create", "conversations.setPurpose", "conversations.invite", "status card", "pins.add", "bookmarks.add",
        "announcement", "reply", "update post", "update thread line",
    ];

    [Theory]
    [MemberData(nameof(Steps))]
    public Task KilledAtAStep_RestartedOnTheSameFile_EveryMessageOnceInOrder_OneIncidentOneChannelOneCard(string step) => _bots.RunAsync(async () =>
    {
        var file = _bots.LiteDbFile();
        var update = step.StartsWith("update", StringComparison.Ordinal);
        var held = Hold(step);
        var first = await _bots.StartReadyAsync("first", Settings(file));
        await first.DeclareAsync(_slack);
        if (update)
        {
            await first.UpdateAsync(_slack, (await _slack.DeclaredAsync()).Id, "rolled back the deploy");
        }

        await BotProcesses.WithinAsync(held.Arrived, BotProcess.Patience, $"the bot to reach the step '{step}'");
        await first.KillAsync();

        var second = await _bots.StartReadyAsync("second", Settings(file));
        var channel = await _slack.DeclaredAsync();
        if (update)
        {
            await _slack.UpdatedAsync(channel);
        }

        if (step is "status card" or "announcement" or "bookmarks.add" or "update post" or "update thread line")
        {
            // Found in the channel rather than sent again (for the announcement, the last thing the declare does).
            await BotProcesses.EventuallyAsync(() => Task.FromResult(second.Lines.Any(l => l.Contains("adopted, not sent again", StringComparison.Ordinal))),
                "the restarted bot to find what the killed one sent");
        }

        // Stopped only once nothing is due: a stop in the middle of the last item would leave it for a next start.
        await BotProcesses.EventuallyAsync(() => NothingDueAsync(second), "the restarted bot to finish the queued work");
        await AssertOneIncidentInChannelAsync(file, channel);
        Assert.Equal(ProcessSlack.ChannelName, channel.Name); // adopted on the replay, not "-2"
        var messages = _slack.MessagesIn(channel.Id).Select(m => m["text"]!.GetValue<string>()).ToList();
        var card = Assert.Single(_slack.MessagesIn(channel.Id), ProcessSlack.IsCard);
        Assert.Equal([card["ts"]!.GetValue<string>()], channel.Pins);
        Assert.Single(channel.Bookmarks);
        var announcements = _slack.MessagesIn(SlackHarness.Announcements);
        Assert.Single(announcements, m => m["thread_ts"] is null);
        if (update)
        {
            Assert.Equal(2, messages.Count);
            Assert.StartsWith("Update from", messages[1], StringComparison.Ordinal); // after the card
            Assert.Contains("rolled back the deploy", Assert.Single(announcements, m => m["thread_ts"] is not null)["text"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(messages);
        }
    });

    /// <summary>Holds the call of <paramref name="step"/> once it is done (see <see cref="FakeSlackApi.Hold"/>).</summary>
    private SlackHold Hold(string step) => step switch
    {
        "status card" => _slack.Hold("chat.postMessage", ProcessSlack.IsCard, done: true),
        "announcement" => _slack.Hold("chat.postMessage", c => c["channel"] == SlackHarness.Announcements && c["thread_ts"].Length == 0, done: true),
        "reply" => _slack.Hold(FakeSlackApi.ResponseUrlMethod, c => c["text"].StartsWith("INC-1 declared", StringComparison.Ordinal), done: true),
        "update post" => _slack.Hold("chat.postMessage", c => c["text"].StartsWith("Update from", StringComparison.Ordinal), done: true),
        "update thread line" => _slack.Hold("chat.postMessage", c => c["channel"] == SlackHarness.Announcements && c["thread_ts"].Length > 0, done: true),
        _ => _slack.Hold(step, done: true),
    };

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

    /// <summary>Whether <c>/readyz</c> reports no work item due (running items count as due until they are settled).</summary>
    private static async Task<bool> NothingDueAsync(BotProcess bot)
    {
        using var ready = await bot.Http.GetAsync("/readyz");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").GetProperty("work-queue").GetProperty("data").GetProperty("dueNow").GetInt32() == 0;
    }

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
