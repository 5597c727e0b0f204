using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Core.Features.Reviews;

/// <summary><c>/incident review …</c> through the same path every surface uses.</summary>
public sealed class ReviewCommandSliceTests : IAsyncLifetime
{
    private static readonly Actor Fran = Actor.Console("fran");
    private TestDatabase _db = null!;
    private CoreHarness _core = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabases.CreateAsync("LiteDb");
        _core = await CoreHarness.StartAsync(_db, settings: new Dictionary<string, string?>
        {
            ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
            ["Reviews:Facilitators:0"] = "console:fran",
        }, clock: new FakeTimeProvider(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)));
        for (var i = 1; i <= 3; i++)
        {
            var incident = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, $"Incident {i}", "SEV2"));
            await _core.SendAsync(new ResolveIncident(CoreHarness.Alice, incident.Number, "fixed"));
        }

        await _core.RunAllDueAsync();
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string> Run(Actor actor, string text) => (await _core.SendAsync(new RunChatCommand(actor, IncidentBot.Web.Console.ConsoleCommands.Read(text), new ChatLocation("console")))).Text;

    [Fact]
    public async Task Review_ShowsTheBooking()
    {
        Assert.Equal("INC-3 is on the review agenda of Tuesday 2026-12-01 16:00 Europe/Berlin, slot 1.", await Run(CoreHarness.Alice, "INC-3 review"));
    }

    [Fact]
    public async Task Move_IsForFacilitators_AndMovesToTheNextSession()
    {
        Assert.Equal("Only a facilitator can move, skip, extend or unbook the review of INC-1.", await Run(CoreHarness.Alice, "INC-1 review move next"));

        var moved = await Run(Fran, "INC-1 review move next");

        Assert.Equal("Review of INC-1 moved to Tuesday 2026-12-01 16:00 Europe/Berlin, slot 2.", moved);
        Assert.Contains("slot 1", await Run(CoreHarness.Alice, "INC-2 review"));
    }

    [Fact]
    public async Task Extend_Skip_Notetaker_AndSessions()
    {
        Assert.Equal("The session on Tuesday 2026-11-24 16:00 Europe/Berlin now takes 3 incidents.", await Run(Fran, "INC-1 review extend"));
        Assert.Equal("bob takes notes at the review on Tuesday 2026-11-24 16:00 Europe/Berlin.", await Run(Fran, "INC-1 review notetaker @bob"));

        var skipped = await Run(Fran, "INC-1 review skip");
        Assert.StartsWith("The review session on Tuesday 2026-11-24 16:00 Europe/Berlin is skipped.", skipped);
        Assert.Contains("• INC-1: now Tuesday 2026-12-01", skipped);

        var sessions = await Run(CoreHarness.Bob, "review sessions");
        Assert.Contains("Tuesday 2026-11-24 16:00 Europe/Berlin (cancelled)", sessions);
        Assert.Contains("1. INC-3", sessions);
    }

    [Fact]
    public async Task Doc_Regenerates_AndScheduleRefusesOpenIncidents()
    {
        Assert.StartsWith("Review doc of INC-2 regenerated", await Run(CoreHarness.Bob, "INC-2 review doc"));

        var open = await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Still burning"));
        Assert.Contains("reviews are booked once an incident is resolved", await Run(CoreHarness.Alice, $"INC-{open.Number} review schedule"));
    }
}
