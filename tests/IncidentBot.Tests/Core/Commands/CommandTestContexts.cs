using IncidentBot.Core.Commands;
using IncidentBot.Slack.Blocks;
using IncidentBot.Teams.Inbound;
using IncidentBot.Web.Console;

namespace IncidentBot.Tests.Core.Commands;

/// <summary>
/// How each surface feeds the grammar: its own mention reader in, its own prefix on the commands a reply names.
/// The grammar itself is the same for all three.
/// </summary>
internal sealed record Surface(string Name, string Prefix, Func<string?, CommandInput> Read)
{
    /// <summary>A reply's neutral text with each command written as this surface's people type it, e.g. "/incident note …".</summary>
    public string Render(string text) => ChatMarkup.Render(text, command => Prefix.Length == 0 ? command : $"{Prefix} {command}");
}

/// <summary>The three surfaces, configured as in the brief, and parse shortcuts.</summary>
internal static class CommandTestContexts
{
    public static IReadOnlyList<string> Severities { get; } = ["SEV1", "SEV2", "SEV3", "SEV4"];

    public static IReadOnlyList<string> Roles { get; } = ["commander", "communications", "scribe"];

    /// <summary>The default configuration: SEV1–SEV4 without aliases; commander (ic, lead), communications (comms), scribe.</summary>
    public static CommandContext Grammar { get; } = new(Severities, Roles)
    {
        RoleAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ic"] = "commander", ["lead"] = "commander", ["comms"] = "communications" },
    };

    /// <summary>Severities with aliases, as an admin might configure them.</summary>
    public static CommandContext GrammarWithSeverityAliases { get; } = Grammar with
    {
        SeverityAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["P1"] = "SEV1", ["critical"] = "SEV1", ["P2"] = "SEV2", ["major"] = "SEV2", ["P3"] = "SEV3", ["P4"] = "SEV4",
        },
    };

    public static IReadOnlyDictionary<string, PersonMention> TeamsPeople { get; } = new Dictionary<string, PersonMention>
    {
        ["<at>Alice Smith</at>"] = new("teams:aad-alice", "Alice Smith"),
        ["<at>Bob</at>"] = new("teams:aad-bob", "Bob"),
        ["Carol Jones"] = new("teams:aad-carol", "Carol Jones"),
    };

    public static Surface SlackContext { get; } = new("slack", "/incident", text => SlackText.Command(text, new Dictionary<string, string>()));

    public static Surface TeamsContext { get; } = TeamsWith(TeamsPeople);

    public static Surface ConsoleContext { get; } = new("console", string.Empty, ConsoleCommands.Read);

    public static Surface TeamsWith(IReadOnlyDictionary<string, PersonMention> mentions) =>
        new("teams", "@IncidentBot", text => TeamsMentionText.Command(text, mentions));

    public static Surface For(string platform) => platform switch
    {
        "slack" => SlackContext,
        "teams" => TeamsContext,
        "console" => ConsoleContext,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, null),
    };

    public static ParseResult Parse(string? text, Surface? surface = null, CommandContext? grammar = null) =>
        CommandParser.Parse((surface ?? SlackContext).Read(text), grammar ?? Grammar);

    public static ParsedCommand Parsed(string? text, Surface? surface = null, CommandContext? grammar = null) =>
        Assert.IsType<ParsedCommand>(Parse(text, surface, grammar));

    public static T Command<T>(string? text, Surface? surface = null, CommandContext? grammar = null)
        where T : ChatCommand =>
        Assert.IsType<T>(Parsed(text, surface, grammar).Command);

    /// <summary>The failure as the surface shows it: its commands written with its prefix; no usage line is "".</summary>
    public static Refusal Failure(string? text, Surface? surface = null, CommandContext? grammar = null)
    {
        var s = surface ?? SlackContext;
        var failure = Assert.IsType<ParseFailure>(Parse(text, s, grammar));
        return new Refusal(s.Render(failure.Message), failure.Usage is null ? string.Empty : s.Render(failure.Usage));
    }
}

/// <summary>A <see cref="ParseFailure"/> as one surface shows it.</summary>
internal sealed record Refusal(string Message, string Usage);
