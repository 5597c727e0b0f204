using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Commands;

/// <summary>Help and usage texts, written with the platform's prefix ("/incident", "@IncidentBot", or none in the console). Short lines for phones.</summary>
public static class CommandHelp
{
    private sealed record Entry(string Name, string Syntax, string Summary);

    private static readonly Entry[] Entries =
    [
        new("declare", "declare [severity] <title>", "start a new incident"),
        new("status", "status <status> [message]", "set the status"),
        new("severity", "severity <severity>", "change the severity"),
        new("role", "role <role> <@person|me>", "give someone a role"),
        new("roles", "roles", "show who has which role"),
        new("update", "update <text>", "post an update for stakeholders"),
        new("note", "note <text>", "add a note to the timeline"),
        new("action", "action <text> [@owner]", "add a follow-up action"),
        new("resolve", "resolve [summary]", "mark the incident resolved"),
        new("cancel", "cancel <reason>", "close it as a false alarm"),
        new("duplicate", "duplicate <INC-n>", "close it as a duplicate"),
        new("reopen", "reopen", "reopen a closed incident"),
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
        ("notetaker <@person|me>", "choose the notetaker"),
        ("presenter <@person|me>", "choose the presenter"),
        ("sessions", "list upcoming sessions and agendas"),
    ];

    /// <summary>The <c>review</c> subcommand keywords, in help order, as one list for error messages.</summary>
    internal static string ReviewSubcommandWords { get; } = string.Join(", ",
        Array.ConvertAll(Array.FindAll(ReviewEntries, e => e.Syntax.Length > 0), e => e.Syntax.Split(' ')[0]));

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
            lines.Add($"{Command(context, entry.Syntax)} — {entry.Summary}");
        }

        lines.Add(context.IsSlack || context.IsTeams
            ? $"Outside the incident's channel, name it first: {Command(context, "INC-42 note …")}"
            : $"Outside an incident, name it first: {Command(context, "INC-42 note …")}");
        lines.Add($"Severities: {List(context.Severities)}. Roles: {List(context.Roles)}.");
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Usage for one command (case-insensitive name), e.g. "/incident role &lt;role&gt; &lt;@person|me&gt;  — roles: commander, scribe".
    /// <c>review</c> gets one line per subcommand. Unknown names get <see cref="ShortUsage"/>.
    /// </summary>
    public static string Usage(string commandName, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = Find(commandName);
        if (entry is null)
        {
            return ShortUsage(context);
        }

        if (entry.Name == "review")
        {
            return ReviewUsage(context);
        }

        var detail = entry.Name switch
        {
            "declare" => $"severities: {List(context.Severities)}",
            "severity" => $"severities: {List(context.Severities)}",
            "status" => $"statuses: {StatusWords}",
            "role" => $"roles: {List(context.Roles)}",
            "action" => "an @-mention at the end becomes the owner",
            "duplicate" => "the original incident, e.g. INC-41",
            "impact-started" => $"e.g. {TimeSpecParser.Examples}",
            _ => entry.Summary,
        };
        return $"{Command(context, entry.Syntax)}  — {detail}";
    }

    private static string ReviewUsage(CommandContext context)
    {
        var lines = new string[ReviewEntries.Length];
        for (var i = 0; i < ReviewEntries.Length; i++)
        {
            var (syntax, summary) = ReviewEntries[i];
            lines[i] = $"{Command(context, syntax.Length == 0 ? "review" : $"review {syntax}")}  — {summary}";
        }

        return string.Join('\n', lines);
    }

    /// <summary>One line listing the commands, for replies to something unreadable.</summary>
    public static string ShortUsage(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"Commands: {string.Join(", ", CommandNames)}. Try `{Command(context, "help")}`.";
    }

    /// <summary>How to point a command at an incident when it was run outside one, e.g. "Run this in the incident's channel, or name the incident first: `/incident INC-42 note …`".</summary>
    public static string HowToNameIncident(string commandName, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = Find(commandName);
        var example = entry is null
            ? "INC-42 <command> …"
            : entry.Syntax.Contains(' ', StringComparison.Ordinal) ? $"INC-42 {entry.Name} …" : $"INC-42 {entry.Name}";
        var where = context.IsSlack || context.IsTeams ? "in the incident's channel" : "from the incident's page";
        return $"Run this {where}, or name the incident first: `{Command(context, example)}`";
    }

    /// <summary>The canonical spelling of a command keyword, or null.</summary>
    internal static string? CanonicalName(string word) => Find(word)?.Name;

    /// <summary>"/incident note &lt;text&gt;" from "note &lt;text&gt;"; no leading space when the prefix is empty.</summary>
    internal static string Command(CommandContext context, string rest)
    {
        var prefix = context.CommandPrefix?.Trim() ?? string.Empty;
        return prefix.Length == 0 ? rest : $"{prefix} {rest}";
    }

    internal static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none configured" : string.Join(", ", names);

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
