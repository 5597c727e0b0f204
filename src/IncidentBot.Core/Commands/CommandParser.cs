using System.Globalization;
using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Commands;

/// <summary>
/// The command grammar shared by Slack (<c>/incident …</c>), Teams (<c>@IncidentBot …</c>) and the web console:
/// <c>[INC-n] &lt;command&gt; [arguments]</c>. Keywords, severities, roles and statuses ignore case; any white space
/// (tabs, newlines, NBSP, zero-width space) separates words; free text is kept as typed, ends trimmed. Linear in the input.
/// </summary>
public static class CommandParser
{
    /// <summary>Longest title, in Unicode code points.</summary>
    public static int MaxTitleLength => Input.InputLimits.For(Input.InputField.Title).MaxLength;

    /// <summary>Longest free text (note, update, action, summary, reason, status message), in Unicode code points.</summary>
    public static int MaxTextLength => Input.InputLimits.For(Input.InputField.Text).MaxLength;

    public static ParseResult Parse(string? text, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Parser(text ?? string.Empty, context).Run();
    }

    /// <summary>Reads "INC-42", "inc-42", and where <paramref name="allowBare"/> also "42" and "#42". Positive int only.</summary>
    public static bool TryParseIncidentNumber(string? token, bool allowBare, out int number)
    {
        number = 0;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var digits = token.AsSpan();
        if (digits.StartsWith("INC-", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[4..];
        }
        else if (!allowBare)
        {
            return false;
        }
        else if (digits.StartsWith("#"))
        {
            digits = digits[1..];
        }

        if (digits.IsEmpty || digits.Length > 10)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number > 0;
    }

    private sealed class Parser(string text, CommandContext context)
    {
        private int _position;
        private int? _incident;

        public ParseResult Run()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return new ParsedCommand(null, new HelpCommand(null));
            }

            if (word.StartsWith("INC-", StringComparison.OrdinalIgnoreCase))
            {
                var reference = word.EndsWith(':') ? word[..^1] : word;
                if (!TryParseIncidentNumber(reference, allowBare: false, out var number))
                {
                    return new ParseFailure(
                        $"'{TextScan.Echo(word)}' isn't an incident number. Use INC- and a number, e.g. INC-42.",
                        CommandHelp.ShortUsage(context));
                }

                _incident = number;
                word = NextToken();
                if (word.Length == 0)
                {
                    return new ParseFailure(
                        $"Add a command after INC-{number}, e.g. `{CommandHelp.Command(context, $"INC-{number} note …")}`.",
                        CommandHelp.ShortUsage(context));
                }
            }

            return word.ToLowerInvariant() switch
            {
                "declare" => Declare(),
                "status" => Status(),
                "severity" => Severity(),
                "role" => Role(),
                "roles" => NoArguments("roles", new RolesCommand()),
                "update" => RequiredText("update", "Update", "Add the update text.", t => new UpdateCommand(t)),
                "note" => RequiredText("note", "Note", "Add the note text.", t => new NoteCommand(t)),
                "action" => Action(),
                "resolve" => Resolve(),
                "cancel" => RequiredText("cancel", "Reason", "Say why it's cancelled, e.g. false alarm.", t => new CancelCommand(t)),
                "duplicate" => Duplicate(),
                "reopen" => NoArguments("reopen", new ReopenCommand()),
                "impact-started" => ImpactStarted(),
                "list" => NoArguments("list", new ListCommand()),
                "timeline" => NoArguments("timeline", new TimelineCommand()),
                "review" => Review(),
                "key" => Key(),
                "help" => Help(),
                _ => new ParseFailure($"Unknown command '{TextScan.Echo(word)}'.", CommandHelp.ShortUsage(context)),
            };
        }

        private ParsedCommand Ok(ChatCommand command) => new(_incident, command);

        private ParseFailure Fail(string command, string message) => new(message, CommandHelp.Usage(command, context));

        private string NextToken()
        {
            var start = TextScan.SkipSeparators(text, _position);
            _position = TextScan.TokenEnd(text, start);
            return text[start.._position];
        }

        private string Rest() => TextScan.FreeText(text, _position);

        private ParseResult Declare()
        {
            if (_incident is { } number)
            {
                return Fail("declare", $"`declare` starts a new incident, so it doesn't take INC-{number}.");
            }

            var rest = Rest();
            if (rest.Length == 0)
            {
                return Ok(new DeclareCommand(null, string.Empty)); // Slack opens a form for this; other callers may refuse it
            }

            var mark = _position;
            var severity = MatchName(NextToken(), context.Severities);
            string title;
            if (severity is null)
            {
                _position = mark;
                title = rest;
            }
            else
            {
                title = Rest();
                if (title.Length == 0)
                {
                    return Fail("declare", $"Add a title after {severity}.");
                }
            }

            return TextScan.CodePointCount(title) > MaxTitleLength
                ? Fail("declare", $"Title is too long (max {MaxTitleLength} characters).")
                : Ok(new DeclareCommand(severity, title));
        }

        private ParseResult Status()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("status", "Which status?");
            }

            IncidentStatus? status = word.ToLowerInvariant() switch
            {
                "investigating" => IncidentStatus.Investigating,
                "identified" => IncidentStatus.Identified,
                "monitoring" or "mitigated" => IncidentStatus.Monitoring,
                "resolved" => IncidentStatus.Resolved,
                _ => null,
            };
            if (status is null)
            {
                var hint = word.ToLowerInvariant() switch
                {
                    "cancelled" or "canceled" => $" To close a false alarm use `{CommandHelp.Command(context, "cancel <reason>")}`.",
                    "duplicate" => $" To close a duplicate use `{CommandHelp.Command(context, "duplicate <INC-n>")}`.",
                    _ => string.Empty,
                };
                return Fail("status", $"Unknown status '{TextScan.Echo(word)}'. Use one of: {CommandHelp.StatusWords}.{hint}");
            }

            var message = Rest();
            if (TooLong(message))
            {
                return Fail("status", TooLongMessage("Status message"));
            }

            return Ok(new StatusCommand(status.Value, message.Length == 0 ? null : message));
        }

        private ParseResult Severity()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("severity", "Which severity?");
            }

            var severity = MatchName(word, context.Severities);
            if (severity is null)
            {
                return Fail("severity", $"Unknown severity '{TextScan.Echo(word)}'. Use one of: {CommandHelp.List(context.Severities)}.");
            }

            return Rest().Length > 0
                ? Fail("severity", "Give just the severity, nothing after it.")
                : Ok(new SeverityCommand(severity));
        }

        private ParseResult Role()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("role", "Which role, and who?");
            }

            var role = MatchName(word, context.Roles);
            if (role is null)
            {
                return Fail("role", $"Unknown role '{TextScan.Echo(word)}'. Use one of: {CommandHelp.List(context.Roles)}.");
            }

            return OnePerson(
                "role",
                $"Who should be {role}? Add an @-mention, or `me`.",
                $"Name the person for {role} with an @-mention, or `me`.",
                $"Name one person for {role}, with nothing after them.",
                person => new RoleCommand(role, person));
        }

        /// <summary>
        /// Reads the rest as exactly one person (a mention in the platform's form, or "me"), as <c>role</c> does.
        /// The three messages are for: nothing there, something that isn't a mention, and words after the person.
        /// </summary>
        private ParseResult OnePerson(
            string command, string whenMissing, string whenNotAMention, string whenMore, Func<PersonTarget, ChatCommand> create)
        {
            var start = TextScan.SkipSeparators(text, _position);
            if (start >= text.Length)
            {
                return Fail(command, whenMissing);
            }

            _position = Mentions.PersonTokenEnd(text, start, context);
            var mention = Mentions.Read(text[start.._position], context, personExpected: true);
            switch (mention.Kind)
            {
                case MentionKind.Rejected:
                    return Fail(command, mention.Error!);
                case MentionKind.NotAMention:
                    return Fail(command, whenNotAMention);
            }

            return Rest().Length > 0 ? Fail(command, whenMore) : Ok(create(mention.Person!));
        }

        private ParseResult Key()
        {
            var word = NextToken().TrimStart('#');
            return long.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var entry) && entry > 0 && Rest().Length == 0
                ? Ok(new KeyMomentCommand(entry))
                : Fail("key", "Which timeline entry? Give its number, e.g. `key 12` (the incident's page numbers them).");
        }

        private ParseResult Review()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Ok(new ReviewCommand(ReviewAction.Show, null, null));
            }

            var sub = word.ToLowerInvariant();
            return sub switch
            {
                "schedule" => ReviewNoArguments(sub, ReviewAction.Schedule),
                "move" => ReviewMove(),
                "skip" => ReviewNoArguments(sub, ReviewAction.Skip),
                "unbook" => ReviewNoArguments(sub, ReviewAction.Unbook),
                "extend" => ReviewNoArguments(sub, ReviewAction.Extend),
                "doc" => ReviewNoArguments(sub, ReviewAction.Doc),
                "notetaker" => ReviewPerson(ReviewAction.Notetaker, "notetaker"),
                "presenter" => ReviewPerson(ReviewAction.Presenter, "presenter"),
                "sessions" => ReviewNoArguments(sub, ReviewAction.Sessions),
                "write" => ReviewWrite(),
                _ => Fail("review", $"Unknown review subcommand '{TextScan.Echo(word)}'. Use one of: {CommandHelp.ReviewSubcommandWords}."),
            };
        }

        private ParseResult ReviewWrite()
        {
            var section = NextToken();
            var more = Rest();
            return section.Length == 0 || more.Length == 0
                ? Fail("review", "Write what, where? `review write <section> <text>`, e.g. `review write contributing-factors The retry storm ...`.")
                : Ok(new ReviewCommand(ReviewAction.Write, null, null) { Section = section, Text = more });
        }

        private ParseResult ReviewNoArguments(string subcommand, ReviewAction action) =>
            Rest().Length > 0
                ? Fail("review", $"`review {subcommand}` takes nothing after it.")
                : Ok(new ReviewCommand(action, null, null));

        private ParseResult ReviewMove()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("review", "Move it to which session? Give its date as yyyy-mm-dd, e.g. 2026-12-01, or `next`.");
            }

            ParseResult result;
            if (word.Equals("next", StringComparison.OrdinalIgnoreCase))
            {
                result = Ok(new ReviewCommand(ReviewAction.Move, null, null) { Next = true });
            }
            else if (TryParseIsoDate(word, out var date))
            {
                result = Ok(new ReviewCommand(ReviewAction.Move, date, null));
            }
            else
            {
                return Fail("review", $"I can't read '{TextScan.Echo(word)}' as a date. Use yyyy-mm-dd, e.g. 2026-12-01, or `next`.");
            }

            return Rest().Length > 0 ? Fail("review", "Give just the date or `next`, nothing after it.") : result;
        }

        private ParseResult ReviewPerson(ReviewAction action, string part) =>
            OnePerson(
                "review",
                $"Who should be the {part}? Add an @-mention, or `me`.",
                $"Name the {part} with an @-mention, or `me`.",
                $"Name one person as {part}, with nothing after them.",
                person => new ReviewCommand(action, null, person));

        /// <summary>Exactly "yyyy-MM-dd" (exact ParseExact: four, two and two ASCII digits, no sign or spaces), a real calendar date.</summary>
        private static bool TryParseIsoDate(string word, out DateOnly date) =>
            DateOnly.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

        private ParseResult Action()
        {
            var rest = Rest();
            if (rest.Length == 0)
            {
                return Fail("action", "What needs doing?");
            }

            PersonTarget? owner = null;
            var lastStart = Mentions.LastTokenStart(rest, context);
            var mention = Mentions.Read(rest[lastStart..], context, personExpected: false);
            if (mention.Kind == MentionKind.Rejected)
            {
                return Fail("action", mention.Error!);
            }

            if (mention.Kind == MentionKind.Person)
            {
                owner = mention.Person;
                rest = TextScan.TrimSeparators(rest[..lastStart]);
                if (rest.Length == 0)
                {
                    return Fail("action", "What needs doing? Put the owner's @-mention after the text.");
                }
            }

            return TooLong(rest) ? Fail("action", TooLongMessage("Action")) : Ok(new ActionCommand(rest, owner));
        }

        private ParseResult Resolve()
        {
            var summary = Rest();
            if (TooLong(summary))
            {
                return Fail("resolve", TooLongMessage("Summary"));
            }

            return Ok(new ResolveCommand(summary.Length == 0 ? null : summary));
        }

        private ParseResult Duplicate()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("duplicate", "Duplicate of which incident?");
            }

            if (!TryParseIncidentNumber(word, allowBare: true, out var number))
            {
                return Fail("duplicate", $"'{TextScan.Echo(word)}' isn't an incident number. Use INC- and a number, e.g. INC-41.");
            }

            return Rest().Length > 0
                ? Fail("duplicate", "Give just the incident number, nothing after it.")
                : Ok(new DuplicateCommand(number));
        }

        private ParseResult ImpactStarted()
        {
            var rest = Rest();
            if (rest.Length == 0)
            {
                return Fail("impact-started", "When did impact start?");
            }

            return TimeSpecParser.TryParse(rest, out var when)
                ? Ok(new ImpactStartedCommand(when))
                : Fail("impact-started", $"I can't read '{TextScan.Echo(rest)}' as a time. Try {TimeSpecParser.Examples}.");
        }

        private ParseResult Help()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Ok(new HelpCommand(null));
            }

            var topic = CommandHelp.CanonicalName(word);
            return topic is null
                ? new ParseFailure($"Unknown command '{TextScan.Echo(word)}'.", CommandHelp.ShortUsage(context))
                : Ok(new HelpCommand(topic));
        }

        private ParseResult RequiredText(string command, string label, string whenMissing, Func<string, ChatCommand> create)
        {
            var rest = Rest();
            if (rest.Length == 0)
            {
                return Fail(command, whenMissing);
            }

            return TooLong(rest) ? Fail(command, TooLongMessage(label)) : Ok(create(rest));
        }

        private ParseResult NoArguments(string command, ChatCommand parsed) =>
            Rest().Length > 0 ? Fail(command, $"`{command}` takes nothing after it.") : Ok(parsed);

        private static bool TooLong(string freeText) =>
            freeText.Length > MaxTextLength && TextScan.CodePointCount(freeText) > MaxTextLength;

        private static string TooLongMessage(string label) => $"{label} is too long (max {MaxTextLength} characters).";

        private static string? MatchName(string word, IReadOnlyList<string> names)
        {
            foreach (var name in names)
            {
                if (string.Equals(name, word, StringComparison.OrdinalIgnoreCase))
                {
                    return name;
                }
            }

            return null;
        }
    }
}
