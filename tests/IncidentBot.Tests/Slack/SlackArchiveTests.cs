using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

public sealed class SlackArchiveTests : IAsyncLifetime
{
    private SlackHarness _h = null!;

    public async Task InitializeAsync() => _h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Slack:ArchiveAfter"] = "1.00:00:00" });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ResolvedIncidentsChannel_IsArchivedAfterTheDelay_UnlessReopened()
    {
        await _h.CommandAsync("declare Disk full on db-3");
        await _h.CommandAsync("declare Queue stuck");
        await _h.SettleAsync();
        var disk = _h.Slack.ChannelNamed("inc-1-disk-full-on-db-3")!;
        var queue = _h.Slack.ChannelNamed("inc-2-queue-stuck")!;

        await _h.CommandAsync("resolve freed space", disk.Id);
        await _h.CommandAsync("resolve restarted consumers", queue.Id);
        await _h.SettleAsync();
        _h.Clock.Advance(TimeSpan.FromHours(23));
        await _h.SettleAsync();
        Assert.False(disk.Archived);
        await _h.CommandAsync("reopen", queue.Id);
        await _h.SettleAsync();

        _h.Clock.Advance(TimeSpan.FromHours(2));
        await _h.SettleAsync();

        Assert.True(disk.Archived);
        Assert.False(queue.Archived);
        // Only what is due: the reopened incident's review reminders wait for their own time.
        Assert.Equal(0, (await StoreProbe.ItemsAsync(_h.Bot.Services, "outbox."))
            .Count(o => o.Status != WorkStatus.Done && o.DueAt <= _h.Clock.GetUtcNow().UtcDateTime));
    }
}
