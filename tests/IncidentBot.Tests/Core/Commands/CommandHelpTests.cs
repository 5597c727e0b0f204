using IncidentBot.Core.Commands;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

public class CommandHelpTests
{
    private static readonly string[] Commands =
    [
        "declare", "status", "severity", "role", "roles", "update", "note", "action",
        "resolve", "cancel", "duplicate", "reopen", "impact-started", "list", "timeline", "review", "key", "help",
    ];

    public static TheoryData<string> AllCommands { get; } = new(Commands);

    [Fact]
    public void CommandNames_AreExactlyTheGrammarsCommands()
    {
        Assert.Equal(Commands, CommandHelp.CommandNames);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void Overview_MentionsEveryCommandWithPrefix(string command)
    {
        var overview = CommandHelp.Overview(SlackContext);

        Assert.Contains($"\n/incident {command}", overview, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void Usage_ForEveryCommand_StartsWithPrefixAndCommand(string command)
    {
        Assert.StartsWith($"@IncidentBot {command}", CommandHelp.Usage(command, TeamsContext), StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_ListsSeveritiesAndRoles()
    {
        var overview = CommandHelp.Overview(SlackContext);

        Assert.Contains("SEV1, SEV2, SEV3, SEV4", overview, StringComparison.Ordinal);
        Assert.Contains("commander, communications, scribe", overview, StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_OnConsole_HasNoLeadingSpaceBeforeCommands()
    {
        var lines = CommandHelp.Overview(ConsoleContext).Split('\n');

        Assert.Contains(lines, line => line.StartsWith("declare [severity] <title> — ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith(' '));
    }

    [Fact]
    public void Overview_LinesStayShortForPhones()
    {
        Assert.All(CommandHelp.Overview(SlackContext).Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void Usage_Role_ListsRoles()
    {
        Assert.Equal("/incident role <role> <@person|me>  — roles: commander, communications, scribe", CommandHelp.Usage("role", SlackContext));
    }

    [Fact]
    public void Usage_IsCaseInsensitiveOnCommandName()
    {
        Assert.Equal(CommandHelp.Usage("note", SlackContext), CommandHelp.Usage("NOTE", SlackContext));
    }

    [Fact]
    public void Usage_Status_ListsAcceptedStatuses()
    {
        Assert.Equal(
            "note <text>  — add a note to the timeline",
            CommandHelp.Usage("note", ConsoleContext));
        Assert.Equal(
            "status <status> [message]  — statuses: investigating, identified, monitoring (or mitigated), resolved",
            CommandHelp.Usage("status", ConsoleContext));
    }

    [Fact]
    public void Usage_WithNoSeveritiesConfigured_SaysSo()
    {
        var context = SlackContext with { Severities = [] };

        Assert.Contains("none configured", CommandHelp.Usage("severity", context), StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_UnknownCommand_FallsBackToShortUsage()
    {
        Assert.Equal(CommandHelp.ShortUsage(SlackContext), CommandHelp.Usage("frobnicate", SlackContext));
        Assert.Contains("/incident help", CommandHelp.ShortUsage(SlackContext), StringComparison.Ordinal);
    }

    [Fact]
    public void HowToNameIncident_OnSlack_ShowsChannelAndPrefixedExample()
    {
        Assert.Equal(
            "Run this in the incident's channel, or name the incident first: `/incident INC-42 note …`",
            CommandHelp.HowToNameIncident("note", SlackContext));
    }

    [Fact]
    public void HowToNameIncident_ForCommandWithoutArguments_HasNoEllipsis()
    {
        Assert.EndsWith("`@IncidentBot INC-42 reopen`", CommandHelp.HowToNameIncident("reopen", TeamsContext), StringComparison.Ordinal);
    }

    [Fact]
    public void HowToNameIncident_OnConsole_HasNoPrefix()
    {
        Assert.EndsWith("`INC-42 timeline`", CommandHelp.HowToNameIncident("timeline", ConsoleContext), StringComparison.Ordinal);
    }
}
