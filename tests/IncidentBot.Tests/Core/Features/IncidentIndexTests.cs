using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Core.Features;

/// <summary>Finding incidents when there are many: honest counts, pages, filters, and a chat list that says what it left out.</summary>
public sealed class IncidentIndexTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private CoreHarness _core = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        _core = await CoreHarness.StartAsync(_db, settings: new Dictionary<string, string?> { ["Incidents:TimeZone"] = "Europe/Berlin" });
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task OpenList_ShowsTheOldestSev1BeforeNewerLowerSeverities_AndCountsWhatItLeftOut()
    {
        var oldSev1 = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Payments down since morning", "SEV1"));
        for (var i = 0; i < 54; i++)
        {
            await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, $"Flaky test {i}", "SEV3"));
        }

        var open = await _core.SendAsync(new ListOpenIncidents(CoreHarness.Alice));

        Assert.Equal(50, open.Items.Count);
        Assert.Equal(55, open.Total);
        Assert.Equal(5, open.NotShown);
        Assert.Equal(oldSev1.Number, open.Items[0].Number);
        Assert.Equal(55, open.Items[1].Number); // then the newest of the rest
    }

    [Fact]
    public async Task OpenList_LeavesOutResolvedIncidents_AndListsASeverityNoLongerConfiguredLast()
    {
        var renamed = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Queue lag", "SEV3"));
        var resolved = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Login errors", "SEV1"));
        await _core.SendAsync(new ResolveIncident(CoreHarness.Alice, resolved.Number, "fixed"));
        var sev2 = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout slow", "SEV2"));
        var sev1 = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Payments down", "SEV1"));

        // SEV3 is renamed away: its incident stays open under the old name.
        await _core.DisposeAsync();
        _core = await CoreHarness.StartAsync(_db, settings: new Dictionary<string, string?>
        {
            ["Incidents:Severities:0:Name"] = "SEV1",
            ["Incidents:Severities:1:Name"] = "SEV2",
            ["Incidents:Severities:2:Name"] = "MINOR",
        });

        var open = await _core.SendAsync(new ListOpenIncidents(CoreHarness.Alice));
        var shortList = await _core.SendAsync(new ListOpenIncidents(CoreHarness.Alice, Limit: 2));

        Assert.Equal([sev1.Number, sev2.Number, renamed.Number], open.Items.Select(i => i.Number));
        Assert.Equal(3, open.Total);
        Assert.Equal([sev1.Number, sev2.Number], shortList.Items.Select(i => i.Number));
        Assert.Equal(1, shortList.NotShown);
    }

    [Fact]
    public async Task ListCommand_SaysHowManyMoreAreOpen_AndHowToSeeThem()
    {
        for (var i = 0; i < 53; i++)
        {
            await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, $"Flaky test {i}", "SEV3"));
        }

        var reply = await _core.SendAsync(new RunChatCommand(CoreHarness.Alice, CommandInput.Plain("list"), new ChatLocation("console")));

        Assert.StartsWith("Open incidents (53; the 50 most severe):", reply.Text);
        Assert.Contains("… and 3 more, not shown here", reply.Text);
        Assert.Equal(50, reply.Text.Split('\n').Count(line => line.StartsWith("• INC-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Find_PagesWithHonestCounts_AndAPagePastTheEndShowsTheLast()
    {
        for (var i = 1; i <= 30; i++)
        {
            await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, $"Incident {i}", Service: i % 3 == 0 ? "payments" : "search"));
        }

        var second = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(), Page: 2));
        Assert.Equal(30, second.Total);
        Assert.Equal(2, second.PageCount);
        Assert.Equal((26, 30), (second.First, second.Last));
        Assert.Equal(new[] { 5, 4, 3, 2, 1 }, second.Items.Select(i => i.Number));

        var beyond = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(), Page: 9));
        Assert.Equal(2, beyond.Page);
        Assert.Equal(5, beyond.Items.Count);

        var payments = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(Service: "Payments"), PageSize: 4));
        Assert.Equal(10, payments.Total);
        Assert.Equal(new[] { 30, 27, 24, 21 }, payments.Items.Select(i => i.Number));

        var searched = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(Search: "INC-7")));
        Assert.Equal(7, Assert.Single(searched.Items).Number);
    }

    [Fact]
    public async Task Find_FiltersByStatusAndByDaysInTheConfiguredZone()
    {
        // The harness clock starts at a known instant; 23:30 UTC is already the next day in Berlin.
        var start = _core.Clock.GetUtcNow();
        _core.Clock.Advance(start.Date.AddDays(1).AddHours(23).AddMinutes(30) - start.UtcDateTime);
        var late = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Late evening in UTC"));
        _core.Clock.Advance(TimeSpan.FromHours(2));
        var next = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Next night"));
        await _core.SendAsync(new CancelIncident(CoreHarness.Alice, next.Number, "false alarm"));

        var berlinDay = DateOnly.FromDateTime(start.Date.AddDays(2));
        var onThatDay = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(DeclaredFrom: berlinDay, DeclaredTo: berlinDay)));
        Assert.Equal(new[] { next.Number, late.Number }, onThatDay.Items.Select(i => i.Number));

        var cancelled = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(Status: "cancelled")));
        Assert.Equal(next.Number, Assert.Single(cancelled.Items).Number);
        var open = await _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(Status: "open")));
        Assert.Equal(late.Number, Assert.Single(open.Items).Number);

        var refused = await Assert.ThrowsAsync<IncidentRuleException>(() => _core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter(Status: "sleeping"))));
        Assert.Contains("Unknown status 'sleeping'", refused.Message);
    }
}
