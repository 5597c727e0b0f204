using IncidentBot.Core.Commands;

namespace IncidentBot.Tests.Core.Commands;

/// <summary>Contexts for the three platforms, configured as in the brief, and parse shortcuts.</summary>
internal static class CommandTestContexts
{
    public static IReadOnlyList<string> Severities { get; } = ["SEV1", "SEV2", "SEV3", "SEV4"];

    public static IReadOnlyList<string> Roles { get; } = ["commander", "communications", "scribe"];

    public static CommandContext SlackContext { get; } = new(CommandContext.Slack, "/incident", Severities, Roles);

    public static CommandContext TeamsContext { get; } = new(
        CommandContext.Teams,
        "@IncidentBot",
        Severities,
        Roles,
        new Dictionary<string, PersonMention>
        {
            ["<at>Alice Smith</at>"] = new("teams:aad-alice", "Alice Smith"),
            ["<at>Bob</at>"] = new("teams:aad-bob", "Bob"),
            ["Carol Jones"] = new("teams:aad-carol", "Carol Jones"),
        });

    public static CommandContext ConsoleContext { get; } = new(CommandContext.Console, "", Severities, Roles);

    public static CommandContext For(string platform) => platform switch
    {
        "slack" => SlackContext,
        "teams" => TeamsContext,
        "console" => ConsoleContext,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, null),
    };

    public static ParsedCommand Parsed(string? text, CommandContext? context = null) =>
        Assert.IsType<ParsedCommand>(CommandParser.Parse(text, context ?? SlackContext));

    public static T Command<T>(string? text, CommandContext? context = null)
        where T : ChatCommand =>
        Assert.IsType<T>(Parsed(text, context).Command);

    public static ParseFailure Failure(string? text, CommandContext? context = null) =>
        Assert.IsType<ParseFailure>(CommandParser.Parse(text, context ?? SlackContext));
}
