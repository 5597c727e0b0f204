using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Commands;

/// <summary>Help and usage texts. Commands in them are marked with <see cref="ChatMarkup.Command"/>; each surface adds its prefix. Short lines for phones.</summary>
public static class CommandHelp
{
    private sealed record Entry(string Name, string Syntax, string Summary);

    private static readonly Entry[] Entries =
    [
        new("declare", "declare [severity] <title>", "start a new incident"),
        new("status", "status <status> [message]", "set the status"),
        new("severity", "severity <severity>", "change the severity"),
        new("role", "role <role> <person|me>", "give someone a role"),
        new("roles", "roles", "show who has which role"),
        new("update", "update <text>", "post an update for stakeholders"),
        new("note", "note <text>", "add a note to the timeline"),
        new("action", "action <text> [@owner]", "add a follow-up action"),
        new("actions", "actions", "list the follow-ups"),
        new("resolve", "resolve [summary]", "mark the incident resolved"),
        new("cancel", "cancel <reason>", "close it as a false alarm"),
        new("duplicate", "duplicate <INC-n>", "close it as a duplicate"),
        new("reopen", "reopen", "reopen a closed incident"),
        new("snooze", "snooze <30m|2h|1d> [update|stale]", "put off the incident's nudges"),
        new("impact-started", "impact-started <time>", "record when impact began"),
        new("list", "list", "show open incidents"),
        new("timeline", "timeline", "show the incident's timeline"),
        new("review", "review [subcommand]", "book and run the incident's review"),
        new("key", "key <entry #>", "mark or unmark a key moment"),
        new("help", "help [command]", "show this help, or one command's details"),
    ];

    /// <summary><c>review</c> alone, then each subcommand: the syntax after "review " and what it does.</summary>
    private static readonly (string Syntax, string Summary)[] ReviewEntries =
    [
        ("", "show the incident's review booking"),
        ("schedule", "book it, even below the usual severity"),
        ("move <yyyy-mm-dd|next>", "move it to another session"),
        ("skip", "skip its session (facilitators)"),
        ("unbook", "take it off the agenda"),
        ("extend", "give its session one more slot"),
        ("doc", "regenerate the review doc and link it"),
        ("write <section> <text>", "add to a section of the review doc"),
        ("notetaker <person|me>", "choose the notetaker"),
        ("presenter <person|me>", "choose the presenter"),
        ("sessions", "list upcoming sessions and agendas"),
        ("present", "confirm you present it"),
        ("note <text>", "record a note of the review meeting"),
        ("decision <text>", "record a decision of the review meeting"),
    ];

    /// <summary>The <c>review</c> subcommand keywords, in help order.</summary>
    internal static IReadOnlyList<string> ReviewSubcommands { get; } =
        Array.ConvertAll(Array.FindAll(ReviewEntries, e => e.Syntax.Length > 0), e => e.Syntax.Split(' ')[0]);

    /// <summary>The <c>review</c> subcommand keywords as one list for error messages.</summary>
    internal static string ReviewSubcommandWords { get; } = string.Join(", ", ReviewSubcommands);

    /// <summary>Every command keyword, in help order.</summary>
    public static IReadOnlyList<string> CommandNames { get; } = Array.ConvertAll(Entries, e => e.Name);

    /// <summary>The statuses <c>status</c> accepts, as typed.</summary>
    internal static string StatusWords { get; } = string.Join(", ",
        IncidentStatus.Investigating.ToWord(),
        IncidentStatus.Identified.ToWord(),
        IncidentStatus.Monitoring.ToWord() + " (or mitigated)",
        IncidentStatus.Resolved.ToWord());

    /// <summary>The full <c>help</c> text: every command with a one-line description.</summary>
    public static string Overview(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lines = new List<string>(Entries.Length + 3) { "Incident commands:" };
        foreach (var entry in Entries)
        {
            lines.Add($"{ChatMarkup.Command(entry.Syntax)} — {entry.Summary}");
        }

        lines.Add($"Outside an incident's channel or page, name it first: {ChatMarkup.Command("INC-42 note …")}");
        lines.Add($"Severities: {SeverityList(context)}.");
        lines.Add($"Roles: {RoleList(context)}.");
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Usage for one command (case-insensitive name), e.g. "role &lt;role&gt; &lt;person|me&gt; — roles: commander (ic, lead), scribe";
    /// <c>review</c> gets one line per subcommand; an unknown name points to <c>help</c>.
    /// </summary>
    public static string Usage(string commandName, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = Find(commandName);
        if (entry is null)
        {
            return $"{ChatMarkup.Command("help")} lists the commands.";
        }

        if (entry.Name == "review")
        {
            return ReviewUsage();
        }

        var detail = entry.Name switch
        {
            "declare" => $"severities: {SeverityList(context)}",
            "severity" => $"severities: {SeverityList(context)}",
            "status" => $"statuses: {StatusWords}",
            "role" => $"roles: {RoleList(context)}",
            "action" => "an @-mention at the end becomes the owner; action done|drop|reopen|due|link <n> changes follow-up n",
            "duplicate" => "the original incident, e.g. INC-41",
            "impact-started" => $"e.g. {TimeSpecParser.Examples}",
            _ => entry.Summary,
        };
        return $"{ChatMarkup.Command(entry.Syntax)} — {detail}";
    }

    private static string ReviewUsage()
    {
        var lines = new string[ReviewEntries.Length];
        for (var i = 0; i < ReviewEntries.Length; i++)
        {
            var (syntax, summary) = ReviewEntries[i];
            lines[i] = $"{ChatMarkup.Command(syntax.Length == 0 ? "review" : $"review {syntax}")} — {summary}";
        }

        return string.Join('\n', lines);
    }

    /// <summary>How to point a command at an incident when it was run outside one, e.g. "… or name the incident first: INC-42 note …".</summary>
    public static string HowToNameIncident(string commandName)
    {
        var entry = Find(commandName);
        var example = entry is null
            ? "INC-42 <command> …"
            : entry.Syntax.Contains(' ', StringComparison.Ordinal) ? $"INC-42 {entry.Name} …" : $"INC-42 {entry.Name}";
        return $"Run this in the incident's channel or on its page, or name the incident first: {ChatMarkup.Command(example)}";
    }

    /// <summary>The canonical spelling of a command keyword, or null.</summary>
    internal static string? CanonicalName(string word) => Find(word)?.Name;

    /// <summary>"SEV1 (P1, critical), SEV2, …": the severities with the other words people may type for them.</summary>
    internal static string SeverityList(CommandContext context) => List(context.Severities, context.SeverityAliases);

    /// <summary>"commander (ic, lead), communications (comms), scribe".</summary>
    internal static string RoleList(CommandContext context) => List(context.Roles, context.RoleAliases);

    private static string List(IReadOnlyList<string> names, IReadOnlyDictionary<string, string> aliases)
    {
        if (names.Count == 0)
        {
            return "none configured";
        }

        return string.Join(", ", names.Select(name =>
        {
            var others = aliases.Where(a => a.Value == name).Select(a => a.Key).ToList();
            return others.Count == 0 ? name : $"{name} ({string.Join(", ", others)})";
        }));
    }

    private static Entry? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var trimmed = name.Trim();
        return Array.Find(Entries, e => e.Name.Equals(trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
