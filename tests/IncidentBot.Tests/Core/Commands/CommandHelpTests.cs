using IncidentBot.Core.Commands;
using IncidentBot.Slack.Blocks;
using IncidentBot.Teams.Inbound;
using IncidentBot.Web.Console;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

public class CommandHelpTests
{
    private static readonly string[] Commands =
    [
        "declare", "status", "severity", "role", "roles", "update", "note", "action", "actions",
        "resolve", "cancel", "duplicate", "reopen", "snooze", "impact-started", "list", "timeline", "review", "key", "help",
    ];

    public static TheoryData<string> AllCommands { get; } = new(Commands);

    [Fact]
    public void CommandNames_AreExactlyTheGrammarsCommands()
    {
        Assert.Equal(Commands, CommandHelp.CommandNames);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void Overview_OnSlack_MentionsEveryCommandWithPrefix(string command)
    {
        var overview = SlackContext.Render(CommandHelp.Overview(Grammar));

        Assert.Contains($"\n/incident {command}", overview, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void Usage_ForEveryCommand_StartsWithPrefixAndCommand(string command)
    {
        Assert.StartsWith($"@IncidentBot {command}", TeamsContext.Render(CommandHelp.Usage(command, Grammar)), StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_ListsSeveritiesAndRolesWithTheirAliases()
    {
        var overview = CommandHelp.Overview(GrammarWithSeverityAliases);

        Assert.Contains("SEV1 (P1, critical), SEV2 (P2, major), SEV3 (P3), SEV4 (P4)", overview, StringComparison.Ordinal);
        Assert.Contains("commander (ic, lead), communications (comms), scribe", overview, StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_OnConsole_HasNoPrefixNorBackticks()
    {
        var lines = ConsoleCommands.Render(CommandHelp.Overview(Grammar)).Split('\n');

        Assert.Contains(lines, line => line.StartsWith("“declare [severity] <title>” — ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith(' ') || line.Contains('`', StringComparison.Ordinal));
    }

    [Fact]
    public void Overview_LinesStayShortForPhones()
    {
        Assert.All(SlackContext.Render(CommandHelp.Overview(Grammar)).Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void Usage_Role_ListsRolesAndAliases()
    {
        Assert.Equal("/incident role <role> <person|me> — roles: commander (ic, lead), communications (comms), scribe",
            SlackContext.Render(CommandHelp.Usage("role", Grammar)));
    }

    [Fact]
    public void Usage_IsCaseInsensitiveOnCommandName()
    {
        Assert.Equal(CommandHelp.Usage("note", Grammar), CommandHelp.Usage("NOTE", Grammar));
    }

    [Fact]
    public void Usage_IsOneLineForTheCommandAtHand()
    {
        Assert.Equal("note <text> — add a note to the timeline", ConsoleContext.Render(CommandHelp.Usage("note", Grammar)));
        Assert.Equal(
            "status <status> [message] — statuses: investigating, identified, monitoring (or mitigated), resolved",
            ConsoleContext.Render(CommandHelp.Usage("status", Grammar)));
        Assert.DoesNotContain("declare", CommandHelp.Usage("note", Grammar), StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_WithNoSeveritiesConfigured_SaysSo()
    {
        var context = Grammar with { Severities = [] };

        Assert.Contains("none configured", CommandHelp.Usage("severity", context), StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_UnknownCommand_PointsToHelp()
    {
        Assert.Equal("/incident help lists the commands.", SlackContext.Render(CommandHelp.Usage("frobnicate", Grammar)));
    }

    [Fact]
    public void HowToNameIncident_ShowsAnExampleNamingTheIncident()
    {
        Assert.Equal(
            "Run this in the incident's channel or on its page, or name the incident first: /incident INC-42 note …",
            SlackContext.Render(CommandHelp.HowToNameIncident("note")));
    }

    [Fact]
    public void HowToNameIncident_ForCommandWithoutArguments_HasNoEllipsis()
    {
        Assert.EndsWith("@IncidentBot INC-42 reopen", TeamsContext.Render(CommandHelp.HowToNameIncident("reopen")), StringComparison.Ordinal);
    }

    // ---- each surface renders the core's neutral commands its own way ----

    [Fact]
    public void Reply_OnSlack_IsACodeSpanWithTheSlashCommand()
    {
        Assert.Equal("Try `/incident INC-42 timeline` &lt;now&gt;", SlackText.Reply($"Try {ChatMarkup.Command("INC-42 timeline")} <now>"));
    }

    [Fact]
    public void Reply_OnTeams_IsACodeSpanAfterTheBotsName()
    {
        Assert.Equal("Try `@IncidentBot note <text>`\nok", TeamsMentionText.Reply($"Try {ChatMarkup.Command("note <text>")}\nok"));
    }

    [Fact]
    public void Reply_OnTheConsole_HasNoBackticks()
    {
        Assert.Equal("Try “help”.", ConsoleCommands.Render($"Try {ChatMarkup.Command("help")}."));
    }

    [Fact]
    public void TypedMarkers_CannotPoseAsCommands()
    {
        var typed = $"note {ChatMarkup.Command("evil")}";

        Assert.Equal("evil", Command<NoteCommand>(typed, ConsoleContext).Text);
    }
}
