using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Chat;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Slack.Blocks;
using IncidentBot.Teams.Inbound;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Web.Console;

namespace IncidentBot.Tests.Core.Features.Chat;

/// <summary>The grammar driving real requests: what Slack, Teams and the console all go through.</summary>
public sealed class RunChatCommandTests : IAsyncLifetime
{
    private static readonly ChatLocation Console = new("console");
    private TestDatabase _db = null!;
    private CoreHarness _core = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabases.CreateAsync("LiteDb");
        _core = await CoreHarness.StartAsync(_db, settings: new Dictionary<string, string?> { ["Incidents:TimeZone"] = "Europe/Berlin" });
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Typed as on the surface <paramref name="where"/> names (console by default), mentions read by that surface.</summary>
    private Task<ChatReply> Run(Actor actor, string text, ChatLocation? where = null, IReadOnlyDictionary<string, PersonMention>? mentions = null)
    {
        var location = where ?? Console;
        var input = location.Platform switch
        {
            "slack" => SlackText.Command(text, new Dictionary<string, string>()),
            "teams" => TeamsMentionText.Command(text, mentions ?? new Dictionary<string, PersonMention>()),
            _ => ConsoleCommands.Read(text),
        };
        return _core.SendAsync(new RunChatCommand(actor, input, location));
    }

    [Fact]
    public async Task ConsoleSession_DeclareRoleNoteResolve_ReadsLikeAConversation()
    {
        var declared = await Run(CoreHarness.Alice, "declare sev2 Checkout errors spike");
        Assert.Equal(ReplyVisibility.InChannel, declared.Visibility);
        Assert.StartsWith("INC-1 declared (SEV2): Checkout errors spike", declared.Text);
        Assert.Equal(1, declared.IncidentNumber);

        var role = await Run(CoreHarness.Alice, "INC-1 role commander @bob");
        Assert.Equal("bob is now commander of INC-1.", role.Text);

        var note = await Run(CoreHarness.Bob, "INC-1 note rollback started");
        Assert.Equal(ReplyVisibility.Ephemeral, note.Visibility);
        var noted = (await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1))).Timeline.Single(e => e.Text == "rollback started");
        Assert.Equal($"Added to INC-1's timeline as #{noted.Id}.", note.Text);

        var roles = await Run(CoreHarness.Bob, "INC-1 roles");
        Assert.Contains("commander: bob", roles.Text);
        Assert.Contains("scribe: (nobody yet)", roles.Text);

        var resolved = await Run(CoreHarness.Bob, "INC-1 resolve rolled back the deploy");
        Assert.Equal("INC-1 resolved: rolled back the deploy", resolved.Text);

        var timeline = await Run(CoreHarness.Alice, "INC-1 timeline");
        Assert.Contains("Europe/Berlin · alice · declared: INC-1 declared (SEV2)", timeline.Text);
        Assert.Contains("commander assigned: nobody → bob", timeline.Text);
        Assert.Contains("rollback started", timeline.Text);
        Assert.Contains("Resolved: rolled back the deploy", timeline.Text);

        // Each line starts with the entry's number (what `key <entry #>` takes); key moments carry a star.
        var lines = timeline.Text.Split('\n').Skip(1).ToList();
        var entries = (await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1))).Timeline;
        Assert.Equal(entries.Select(e => $"#{e.Id}{(e.Key == true ? " ★" : string.Empty)} ·"), lines.Select(l => l[..(l.IndexOf(" · ", StringComparison.Ordinal) + 2)]));
        Assert.EndsWith("rollback started", lines.Single(l => l.StartsWith($"#{noted.Id} ·", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandWithoutIncident_OutsideItsChannel_SaysHowToNameOne()
    {
        var reply = await Run(CoreHarness.Alice, "note something");

        Assert.Equal(ReplyVisibility.Ephemeral, reply.Visibility);
        Assert.Contains("INC-", reply.Text);
    }

    [Fact]
    public async Task CommandInIncidentChannel_ImpliesTheIncident()
    {
        var slackAlice = new Actor("slack:U0ALICE", "alice", "T1");
        var declared = await _core.SendAsync(new DeclareIncident(slackAlice, "Search down"));
        await _core.SendAsync(new LinkIncidentChannel(declared.Id, "slack", "C0INC1", "inc-1-search-down", "T1"));

        var reply = await Run(slackAlice, "status identified index corrupted", new ChatLocation("slack", "C0INC1", "T1"));

        Assert.Equal("INC-1 is now identified: index corrupted", reply.Text);
        Assert.Equal(IncidentStatus.Identified, (await _core.SendAsync(new GetIncident(slackAlice, 1))).Summary.Status);
    }

    [Fact]
    public async Task SlackMentionAndTeamsMention_ResolveToPeople()
    {
        await Run(CoreHarness.Alice, "declare Login slow");

        var slack = await Run(new Actor("slack:U0ALICE", "alice"), "INC-1 role communications <@U024BE7LH|dana>", new ChatLocation("slack", "D1"));
        var teams = await Run(new Actor("teams:0b9c2f4e-1a3d-4c5b-8e7f-6a5b4c3d2e1f", "Erin"), "INC-1 role scribe <at>Frank Li</at>", new ChatLocation("teams", "19:x"),
            new Dictionary<string, PersonMention> { ["<at>Frank Li</at>"] = new("teams:ffff0001-0000-4000-8000-000000000001", "Frank Li") });

        Assert.Equal("dana is now communications of INC-1.", slack.Text);
        Assert.Equal("Frank Li is now scribe of INC-1.", teams.Text);
        var details = await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1));
        Assert.Contains(details.Roles, r => r.Role == "communications" && r.Holder.Key == "slack:U024BE7LH" && r.Holder.Name == "dana");
        Assert.Contains(details.Roles, r => r.Role == "scribe" && r.Holder.Key == "teams:ffff0001-0000-4000-8000-000000000001");
    }

    [Fact]
    public async Task BadUsage_GetsUsage_AndChangesNothing()
    {
        await Run(CoreHarness.Alice, "declare Cache misses");

        var unknown = await Run(CoreHarness.Alice, "INC-1 frobnicate");
        var badSeverity = await Run(CoreHarness.Alice, "INC-1 severity sev9");
        var rule = await Run(CoreHarness.Alice, "INC-1 status investigating");

        Assert.All([unknown, badSeverity, rule], r => Assert.Equal(ReplyVisibility.Ephemeral, r.Visibility));
        Assert.Contains("lists the commands", unknown.Text);
        Assert.Contains("SEV1", badSeverity.Text);
        Assert.Equal("INC-1 is already investigating.", rule.Text);
        var details = await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1));
        Assert.Single(details.Timeline);
    }

    [Fact]
    public async Task PrivateIncident_NonMemberGetsNotFound_AndListHidesIt()
    {
        await _core.SendAsync(new DeclareIncident(CoreHarness.Alice, "Payroll export leaked", IsPrivate: true));

        var note = await Run(CoreHarness.Bob, "INC-1 note hello");
        var list = await Run(CoreHarness.Bob, "list");

        Assert.Contains("was not found", note.Text);
        Assert.Equal("No open incidents.", list.Text);
        Assert.Contains("Payroll export leaked", (await Run(CoreHarness.Alice, "list")).Text);
    }

    [Fact]
    public async Task ImpactStarted_LocalTime_IsReadInTheConfiguredZone()
    {
        _core.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 17, 15, 0, 0, TimeSpan.Zero)); // 16:00 in Berlin
        await Run(CoreHarness.Alice, "declare Emails delayed");

        var reply = await Run(CoreHarness.Alice, "INC-1 impact-started 14:30");

        Assert.Equal("Impact on INC-1 started 2026-11-17 14:30 Europe/Berlin.", reply.Text);
        var details = await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1));
        Assert.Equal(new DateTime(2026, 11, 17, 13, 30, 0, DateTimeKind.Utc), details.ImpactStartedAt);
    }

    [Fact]
    public async Task DeclareWithoutText_AsksForTheForm_WithUsageForSurfacesWithout()
    {
        var slack = await Run(new Actor("slack:U1", "a"), "declare", new ChatLocation("slack", "C1"));
        var console = await Run(CoreHarness.Alice, "declare");

        Assert.True(slack.OpenDeclareForm);
        Assert.True(console.OpenDeclareForm);
        Assert.Contains("declare", console.Text);
        Assert.Empty((await _core.SendAsync(new ListOpenIncidents(CoreHarness.Alice))).Items);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var help = await Run(CoreHarness.Alice, "help");

        foreach (var command in new[] { "declare", "status", "severity", "role", "roles", "update", "note", "action", "resolve", "cancel", "duplicate", "reopen", "impact-started", "list", "timeline" })
        {
            Assert.Contains(command, help.Text);
        }
    }

    [Fact]
    public async Task RoleByPlainName_OneKnownPerson_GetsTheRole()
    {
        await Run(CoreHarness.Alice, "declare Login slow");
        await Run(CoreHarness.Bob, "INC-1 note looking"); // the bot has now seen bob

        var reply = await Run(CoreHarness.Alice, "INC-1 role comms Bob");

        Assert.Equal("bob is now communications of INC-1.", reply.Text);
        var details = await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1));
        Assert.Contains(details.Roles, r => r.Role == "communications" && r.Holder.Key == "console:bob");
    }

    [Fact]
    public async Task RoleByPlainName_Unknown_IsRefusedAndChangesNothing()
    {
        await Run(CoreHarness.Alice, "declare Login slow");

        var reply = await Run(CoreHarness.Alice, "INC-1 role ic zoe");

        Assert.Equal("I don't know anyone called 'zoe' yet. @-mention them, so I can tell who they are.", reply.Text);
        Assert.Empty((await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1))).Roles);
    }

    [Fact]
    public async Task RoleByPlainName_TwoPeopleOfThatName_IsRefused()
    {
        var slack = new ChatLocation("slack", "D1", "T1");
        await Run(CoreHarness.Alice, "declare Login slow");
        await Run(new Actor("slack:U0DANA1", "dana", "T1"), "INC-1 note one", slack);
        await Run(new Actor("slack:U0DANA2", "Dana", "T1"), "INC-1 note two", slack);

        var reply = await Run(new Actor("slack:U0ALICE", "alice", "T1"), "INC-1 role scribe dana", slack);

        Assert.Equal("More than one person is called 'dana'. @-mention the one you mean.", reply.Text);
        Assert.Empty((await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1))).Roles);
    }

    [Fact]
    public async Task RoleByPlainName_OnlyLooksAtTheTypersPlatform()
    {
        await Run(CoreHarness.Alice, "declare Login slow");
        await Run(CoreHarness.Bob, "INC-1 note looking"); // console:bob is known, no Slack bob is

        var reply = await Run(new Actor("slack:U0ALICE", "alice"), "INC-1 role scribe bob", new ChatLocation("slack", "D1"));

        Assert.StartsWith("I don't know anyone called 'bob'", reply.Text);
    }

    [Fact]
    public async Task StatusRepeatedWithMessage_PostsTheMessageAsAnUpdate()
    {
        await Run(CoreHarness.Alice, "declare Login slow");

        var reply = await Run(CoreHarness.Alice, "INC-1 status investigating still looking at the load balancer");

        Assert.Equal("INC-1 is already investigating, so your message went out as an update: still looking at the load balancer", reply.Text);
        var details = await _core.SendAsync(new GetIncident(CoreHarness.Alice, 1));
        Assert.Contains(details.Timeline, e => e.Describe().Contains("still looking at the load balancer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusRepeatedWithoutMessage_StillSaysItIsAlreadyThere()
    {
        await Run(CoreHarness.Alice, "declare Login slow");

        Assert.Equal("INC-1 is already investigating.", (await Run(CoreHarness.Alice, "INC-1 status investigating")).Text);
    }

    [Fact]
    public async Task DeclareWithNearSeverity_IsRefused_AndDeclaresNothing()
    {
        var reply = await Run(CoreHarness.Alice, "declare SEV-1 Something odd");

        Assert.StartsWith("'SEV-1' isn't a severity here. Did you mean SEV1?", reply.Text);
        Assert.Empty((await _core.SendAsync(new ListOpenIncidents(CoreHarness.Alice))).Items);
    }

    [Fact]
    public async Task ConsoleReplies_NameCommandsWithoutBackticks()
    {
        var declared = await Run(CoreHarness.Alice, "declare sev2 Checkout errors");
        var unknown = await Run(CoreHarness.Alice, "decalre sev2 Checkout errors");

        var shown = ConsoleCommands.Describe(declared) + "\n" + ConsoleCommands.Describe(unknown);

        Assert.DoesNotContain("`", shown, StringComparison.Ordinal);
        Assert.Contains("“INC-1 role commander me”", shown, StringComparison.Ordinal);
        Assert.Contains("Did you mean declare?", shown, StringComparison.Ordinal);
    }
}
