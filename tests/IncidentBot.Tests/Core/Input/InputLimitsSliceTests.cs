using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Input;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Core.Input;

/// <summary>The faults testers found, through the mediator as every adapter sends them: refused inputs change nothing.</summary>
public class InputLimitsSliceTests
{
    [Fact]
    public async Task A_title_of_NUL_characters_is_refused_and_nothing_is_stored()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);

        var refused = await Assert.ThrowsAsync<InputRefusedException>(() => core.SendAsync(new DeclareIncident(CoreHarness.Alice, new string('\0', 8))));

        Assert.Contains("title", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter()))).Items);
    }

    [Fact]
    public async Task A_captured_message_of_a_megabyte_is_truncated_with_a_marker_and_keeps_its_link()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));
        var huge = new string('x', 1_048_299);
        const string link = "https://example.slack.com/archives/C1/p1712345678000100";

        var captured = await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, incident.Number, huge,
            ExternalId: "slack:C1:1712345678.000100", AuthorKey: "slack:U024BE7LH", Link: link));

        var entry = (await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number))).Timeline.Single(e => e.Id == captured.EntryId);
        Assert.Equal(InputLimits.For(InputField.CapturedMessage).MaxLength, entry.Text.Length);
        Assert.EndsWith(InputLimits.TruncatedMarker, entry.Text);
        Assert.Equal(link, entry.Link);
    }

    [Fact]
    public async Task A_person_id_of_ten_thousand_characters_is_refused_and_nothing_is_stored()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);
        var longId = new Actor("slack:U" + new string('A', 10_000), "Mallory");

        await Assert.ThrowsAsync<InputRefusedException>(() => core.SendAsync(new DeclareIncident(longId, "Checkout errors")));

        Assert.Empty((await core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter()))).Items);
    }

    [Fact]
    public async Task A_person_id_of_ten_thousand_characters_is_refused_as_a_role_holder()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));

        await Assert.ThrowsAsync<InputRefusedException>(() => core.SendAsync(
            new IncidentBot.Core.Features.Roles.AssignRole(CoreHarness.Alice, incident.Number, "lead", "slack:U" + new string('A', 10_000))));

        var details = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number));
        Assert.DoesNotContain(details.Timeline, e => e.Kind == TimelineKind.RoleAssigned);
    }

    // Built here rather than passed as theory data: test discovery serializes data and would replace lone surrogates.
    [Theory]
    [InlineData(0xD800, "Checkout {0} errors")]
    [InlineData(0xDC00, "Checkout {0} errors")]
    [InlineData(0xD83D, "ends high {0}")]
    public async Task A_lone_surrogate_is_refused_and_nothing_is_stored(int surrogate, string shape)
    {
        var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, (char)surrogate);
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);

        await Assert.ThrowsAsync<InputRefusedException>(() => core.SendAsync(new DeclareIncident(CoreHarness.Alice, title)));
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));
        await Assert.ThrowsAsync<InputRefusedException>(() => core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, incident.Number, "note " + title)));

        var details = await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number));
        Assert.DoesNotContain(details.Timeline, e => e.Kind == TimelineKind.Note);
        Assert.Single((await core.SendAsync(new FindIncidents(CoreHarness.Alice, new IncidentFilter()))).Items);
    }

    [Fact]
    public async Task Control_characters_in_a_note_are_stripped_but_newlines_and_tabs_stay()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.LiteDb);
        await using var core = await CoreHarness.StartAsync(db);
        var incident = await core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Checkout errors"));

        var note = await core.SendAsync(new AddTimelineEntry(CoreHarness.Alice, incident.Number, "db\0 failover\r\n\tat 14:02\u0007"));

        var entry = (await core.SendAsync(new GetIncident(CoreHarness.Alice, incident.Number))).Timeline.Single(e => e.Id == note.EntryId);
        Assert.Equal("db failover\n\tat 14:02", entry.Text);
    }
}
