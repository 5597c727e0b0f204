using System.Globalization;
using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Commands;

/// <summary>
/// The command grammar shared by Slack, Teams and the web console, after each surface has taken off its own prefix and
/// resolved its own mentions: <c>[INC-n] &lt;command&gt; [arguments]</c>. Keywords, severities, roles and statuses ignore
/// case and accept configured aliases; a near miss is refused with what it most likely meant, never guessed. Any white
/// space (tabs, newlines, NBSP, zero-width space) separates words; free text is kept as typed, ends trimmed.
/// </summary>
public static class CommandParser
{
    /// <summary>Longest title, in Unicode code points.</summary>
    public static int MaxTitleLength => Input.InputLimits.For(Input.InputField.Title).MaxLength;

    /// <summary>Longest free text (note, update, action, summary, reason, status message), in Unicode code points.</summary>
    public static int MaxTextLength => Input.InputLimits.For(Input.InputField.Text).MaxLength;

    /// <summary>Longest name typed for a person (<c>role scribe Alice Smith</c>), in Unicode code points.</summary>
    public const int MaxPersonNameLength = 64;

    public static ParseResult Parse(CommandInput input, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        return new Parser(input, context).Run();
    }

    /// <summary>Text with no mentions in it, e.g. from a test or a script.</summary>
    public static ParseResult Parse(string? text, CommandContext context) => Parse(CommandInput.Plain(text), context);

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

    private sealed class Parser(CommandInput input, CommandContext context)
    {
        private static readonly string[] StatusNames = ["investigating", "identified", "monitoring", "mitigated", "resolved"];

        private readonly string text = input.Text;
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
                        $"'{TextScan.Echo(word)}' isn't an incident number. Use INC- and a number, e.g. {ChatMarkup.Command("INC-42 note …")}.", null);
                }

                _incident = number;
                word = NextToken();
                if (word.Length == 0)
                {
                    return new ParseFailure(
                        $"Add a command after INC-{number}, e.g. {ChatMarkup.Command($"INC-{number} note …")}.", null);
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
                "actions" => NoArguments("actions", new ActionsCommand()),
                "resolve" => Resolve(),
                "cancel" => RequiredText("cancel", "Reason", "Say why it's cancelled, e.g. false alarm.", t => new CancelCommand(t)),
                "duplicate" => Duplicate(),
                "reopen" => NoArguments("reopen", new ReopenCommand()),
                "snooze" => Snooze(),
                "impact-started" => ImpactStarted(),
                "list" => NoArguments("list", new ListCommand()),
                "timeline" => NoArguments("timeline", new TimelineCommand()),
                "review" => Review(),
                "key" => Key(),
                "help" => Help(),
                _ => UnknownCommand(word),
            };
        }

        private ParsedCommand Ok(ChatCommand command) => new(_incident, command);

        private ParseFailure Fail(string command, string message) => new(message, CommandHelp.Usage(command, context));

        private ParseFailure UnknownCommand(string word)
        {
            if (_incident is null && TryParseIncidentNumber(word, allowBare: true, out var number))
            {
                return new ParseFailure($"Name an incident as INC-{number}, e.g. {ChatMarkup.Command($"INC-{number} note …")}.", null);
            }

            if (_incident is null && Severities.LooksLikeSeverity(word, context))
            {
                return new ParseFailure(
                    $"Unknown command '{TextScan.Echo(word)}'. To declare an incident: {ChatMarkup.Command("declare <severity> <title>")}.",
                    CommandHelp.Usage("declare", context));
            }

            var suggestion = Spelling.Closest(word, CommandHelp.CommandNames);
            return suggestion is null
                ? new ParseFailure($"Unknown command '{TextScan.Echo(word)}'. {ChatMarkup.Command("help")} lists the commands.", null)
                : new ParseFailure($"Unknown command '{TextScan.Echo(word)}'. Did you mean {suggestion}?", CommandHelp.Usage(suggestion, context));
        }

        /// <summary>The next word, or a whole mention (which may hold spaces, as "@Alice Smith" does).</summary>
        private string NextToken()
        {
            var start = TextScan.SkipSeparators(text, _position);
            _position = input.MentionAt(start) is { } mention
                ? mention.End
                : Math.Min(TextScan.TokenEnd(text, start), input.NextMentionStart(start + 1));
            return text[start.._position];
        }

        private string Rest() => TextScan.FreeText(text, _position);

        private ParseResult Declare()
        {
            if (_incident is { } number)
            {
                return Fail("declare", $"{ChatMarkup.Command("declare")} starts a new incident, so it doesn't take INC-{number}.");
            }

            var rest = Rest();
            if (rest.Length == 0)
            {
                return Ok(new DeclareCommand(null, string.Empty)); // surfaces with a form open it for this; others ask for a title
            }

            var mark = _position;
            var first = NextToken();
            var severity = input.MentionAt(TextScan.SkipSeparators(text, mark)) is null ? Severities.Match(first, context) : null;
            string title;
            if (severity is null)
            {
                if (input.MentionAt(TextScan.SkipSeparators(text, mark)) is null && Severities.LooksLikeSeverity(first, context))
                {
                    return Fail("declare", Severities.Unknown(first, context));
                }

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

            var status = ReadStatus(word);
            if (status is null)
            {
                var hint = word.ToLowerInvariant() switch
                {
                    "cancelled" or "canceled" => $" To close a false alarm use {ChatMarkup.Command("cancel <reason>")}.",
                    "duplicate" => $" To close a duplicate use {ChatMarkup.Command("duplicate <INC-n>")}.",
                    _ => Spelling.Closest(word, StatusNames) is { } near ? $" Did you mean {near}?" : string.Empty,
                };
                return Fail("status", $"Unknown status '{TextScan.Echo(word)}'.{hint} Use one of: {CommandHelp.StatusWords}.");
            }

            var message = Rest();
            if (TooLong(message))
            {
                return Fail("status", TooLongMessage("Status message"));
            }

            return Ok(new StatusCommand(status.Value, message.Length == 0 ? null : message));
        }

        private static IncidentStatus? ReadStatus(string word) => word.ToLowerInvariant() switch
        {
            "investigating" => IncidentStatus.Investigating,
            "identified" => IncidentStatus.Identified,
            "monitoring" or "mitigated" => IncidentStatus.Monitoring,
            "resolved" => IncidentStatus.Resolved,
            _ => null,
        };

        private ParseResult Severity()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("severity", "Which severity?");
            }

            var severity = Severities.Match(word, context);
            if (severity is null)
            {
                return Fail("severity", Severities.Unknown(word, context));
            }

            return Rest().Length > 0
                ? Fail("severity", "Give just the severity, nothing after it.")
                : Ok(new SeverityCommand(severity));
        }

        private ParseResult Role()
        {
            var start = TextScan.SkipSeparators(text, _position);
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("role", "Which role, and who?");
            }

            var role = Names.Match(word, context.Roles, context.RoleAliases);
            if (role is null)
            {
                if (input.MentionAt(start) is not null || word.StartsWith('@') || word.Equals("me", StringComparison.OrdinalIgnoreCase))
                {
                    return Fail("role", $"Put the role first, then the person: {ChatMarkup.Command("role <role> <person>")}.");
                }

                var near = Spelling.Closest(word, [.. context.Roles, .. context.RoleAliases.Keys]);
                var meant = near is null ? null : Names.Match(near, context.Roles, context.RoleAliases);
                var hint = meant is null ? string.Empty : $" Did you mean {meant}?";
                return Fail("role", $"Unknown role '{TextScan.Echo(word)}'.{hint} Roles: {CommandHelp.RoleList(context)}.");
            }

            return OnePerson(
                "role",
                $"Who should be {role}? Name them, or say me.",
                $"Name one person for {role}, with nothing after them.",
                person => new RoleCommand(role, person));
        }

        /// <summary>
        /// Reads the rest as exactly one person: a mention the surface resolved, "me", or a plain name (an "@" in front is
        /// dropped) that the handler looks up among the people the bot knows. The messages are for nothing there, and for
        /// more than one person.
        /// </summary>
        private ParseResult OnePerson(string command, string whenMissing, string whenMore, Func<PersonTarget, ChatCommand> create)
        {
            var start = TextScan.SkipSeparators(text, _position);
            if (start >= text.Length)
            {
                return Fail(command, whenMissing);
            }

            if (input.MentionAt(start) is { } mention)
            {
                _position = mention.End;
                if (mention.Person is not { } person)
                {
                    return Fail(command, mention.Refusal ?? whenMore);
                }

                return Rest().Length > 0 ? Fail(command, whenMore) : Ok(create(new PersonTarget(person.PersonKey, person.DisplayName, false)));
            }

            var rest = Rest();
            if (input.NextMentionStart(start) < text.Length)
            {
                return Fail(command, whenMore);
            }

            var firstWord = text[start..TextScan.TokenEnd(text, start)];
            if (firstWord.Equals("me", StringComparison.OrdinalIgnoreCase) || firstWord.Equals("@me", StringComparison.OrdinalIgnoreCase))
            {
                return rest.Length == firstWord.Length ? Ok(create(PersonTarget.Self)) : Fail(command, whenMore);
            }

            var name = TextScan.TrimSeparators(rest.TrimStart('@'));
            if (name.Length == 0 || !char.IsLetterOrDigit(name[0]) || TextScan.CodePointCount(name) > MaxPersonNameLength)
            {
                return Fail(command, $"I can't read '{TextScan.Echo(rest)}' as a person. Name one person, or say me.");
            }

            return Ok(create(PersonTarget.Named(name)));
        }

        private ParseResult Key()
        {
            var word = NextToken().TrimStart('#');
            return long.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var entry) && entry > 0 && Rest().Length == 0
                ? Ok(new KeyMomentCommand(entry))
                : Fail("key", "Which timeline entry? Give its number, e.g. `key 12` (`timeline` and the incident's page number them).");
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
                "note" => ReviewText(ReviewAction.Note, "note", "`review note <text>`, e.g. `review note the canary covers config pushes now`"),
                "decision" => ReviewText(ReviewAction.Decision, "decision", "`review decision <text>`, e.g. `review decision config changes go through the canary`"),
                "present" => ReviewNoArguments(sub, ReviewAction.Present),
                _ => Fail("review", $"Unknown review subcommand '{TextScan.Echo(word)}'."
                    + (Spelling.Closest(word, CommandHelp.ReviewSubcommands) is { } near ? $" Did you mean {near}?" : string.Empty)
                    + $" Use one of: {CommandHelp.ReviewSubcommandWords}."),
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

        private ParseResult ReviewText(ReviewAction action, string what, string usage)
        {
            var text = Rest();
            return text.Length == 0
                ? Fail("review", $"Which {what}? {usage}.")
                : Ok(new ReviewCommand(action, null, null) { Text = text });
        }

        private ParseResult ReviewNoArguments(string subcommand, ReviewAction action) =>
            Rest().Length > 0
                ? Fail("review", $"{ChatMarkup.Command($"review {subcommand}")} takes nothing after it.")
                : Ok(new ReviewCommand(action, null, null));

        private ParseResult ReviewMove()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("review", "Move it to which session? Give its date as yyyy-mm-dd, e.g. 2026-12-01, or next.");
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
                return Fail("review", $"I can't read '{TextScan.Echo(word)}' as a date. Use yyyy-mm-dd, e.g. 2026-12-01, or next.");
            }

            return Rest().Length > 0 ? Fail("review", "Give just the date or next, nothing after it.") : result;
        }

        private ParseResult ReviewPerson(ReviewAction action, string part) =>
            OnePerson(
                "review",
                $"Who should be the {part}? Name them, or say me.",
                $"Name one person as {part}, with nothing after them.",
                person => new ReviewCommand(action, null, person));

        /// <summary>Exactly "yyyy-MM-dd" (exact ParseExact: four, two and two ASCII digits, no sign or spaces), a real calendar date.</summary>
        private static bool TryParseIsoDate(string word, out DateOnly date) =>
            DateOnly.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

        /// <summary>
        /// <c>action &lt;text&gt; [owner]</c>: the owner is the last word when it is a resolved mention, "@me", or an "@name" to
        /// look up; anything else there is part of the text. A mention in the middle stays text.
        /// </summary>
        private ParseResult Action()
        {
            if (ActionItemChangeWord() is { } change)
            {
                return change;
            }

            var from = TextScan.SkipSeparators(text, _position);
            var to = text.Length;
            while (to > from && TextScan.IsSeparator(text[to - 1]))
            {
                to--;
            }

            if (from >= to)
            {
                return Fail("action", "What needs doing?");
            }

            PersonTarget? owner = null;
            var textEnd = to;
            var last = LastMentionEndingAt(to);
            if (last is { Start: var mentionStart } && mentionStart >= from)
            {
                if (last.Person is { } person)
                {
                    owner = new PersonTarget(person.PersonKey, person.DisplayName, false);
                    textEnd = mentionStart;
                }
                else if (!last.RefusedOnlyAsPerson)
                {
                    return Fail("action", last.Refusal!);
                }
            }
            else
            {
                var lastStart = to;
                while (lastStart > from && !TextScan.IsSeparator(text[lastStart - 1]))
                {
                    lastStart--;
                }

                var word = text[lastStart..to];
                if (word.Equals("@me", StringComparison.OrdinalIgnoreCase))
                {
                    owner = PersonTarget.Self;
                    textEnd = lastStart;
                }
                else if (word.Length > 1 && word[0] == '@' && IsNameWord(word[1..]))
                {
                    owner = PersonTarget.Named(word[1..]);
                    textEnd = lastStart;
                }
            }

            var actionText = TextScan.FreeText(text[..textEnd], from);
            if (actionText.Length == 0)
            {
                return Fail("action", "What needs doing? Put the owner after the text.");
            }

            return TooLong(actionText) ? Fail("action", TooLongMessage("Action")) : Ok(new ActionCommand(actionText, owner));
        }

        /// <summary>
        /// <c>action done|drop|reopen|due|link &lt;n&gt; …</c> changes follow-up <c>n</c>. The word is a subcommand only
        /// when a number follows it (or nothing does), so "action done with the old dashboards" is still a new follow-up.
        /// </summary>
        private ParseResult? ActionItemChangeWord()
        {
            var mark = _position;
            var word = NextToken().ToLowerInvariant();
            ActionItemChange? change = word switch
            {
                "done" => ActionItemChange.Done,
                "drop" => ActionItemChange.WontDo,
                "reopen" => ActionItemChange.Reopen,
                "due" => ActionItemChange.Due,
                "link" => ActionItemChange.Link,
                _ => null,
            };
            if (change is not { } what)
            {
                _position = mark;
                return null;
            }

            var numberWord = NextToken();
            if (numberWord.Length == 0)
            {
                return Fail("action", $"Which follow-up? {ChatMarkup.Command($"action {word} <n>")} (the number {ChatMarkup.Command("actions")} shows).");
            }

            if (!int.TryParse(numberWord.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var item) || item <= 0)
            {
                _position = mark;
                return null;
            }

            var rest = Rest();
            switch (what)
            {
                case ActionItemChange.Done or ActionItemChange.Reopen:
                    return rest.Length == 0 ? Ok(new ActionItemCommand(what, item)) : Fail("action", $"{ChatMarkup.Command($"action {word} {item}")} takes nothing after it.");
                case ActionItemChange.WontDo:
                    if (rest.Length == 0)
                    {
                        return Fail("action", $"Say why it won't be done: {ChatMarkup.Command($"action drop {item} <reason>")}.");
                    }

                    return TooLong(rest) ? Fail("action", TooLongMessage("Reason")) : Ok(new ActionItemCommand(what, item) { Reason = rest });
                case ActionItemChange.Due:
                    if (rest.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        return Ok(new ActionItemCommand(what, item));
                    }

                    return TryParseIsoDate(rest, out var due)
                        ? Ok(new ActionItemCommand(what, item) { Due = due })
                        : Fail("action", $"'{TextScan.Echo(rest)}' isn't a date: {ChatMarkup.Command($"action due {item} yyyy-mm-dd")} (or none).");
                default:
                    return Uri.TryCreate(rest, UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp) && rest.Length <= 2000
                        ? Ok(new ActionItemCommand(what, item) { Link = rest })
                        : Fail("action", $"'{TextScan.Echo(rest)}' isn't a link: {ChatMarkup.Command($"action link {item} https://…")}.");
            }
        }

        private Mention? LastMentionEndingAt(int end)
        {
            foreach (var mention in input.Mentions)
            {
                if (mention.End == end)
                {
                    return mention;
                }
            }

            return null;
        }

        /// <summary>A word that can be someone's name: a letter or digit first, and no more than the longest name.</summary>
        private static bool IsNameWord(string word) =>
            word.Length > 0 && char.IsLetterOrDigit(word[0]) && TextScan.CodePointCount(word) <= MaxPersonNameLength;

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

        private ParseResult Snooze()
        {
            var word = NextToken();
            if (word.Length == 0)
            {
                return Fail("snooze", "For how long? e.g. 30m, 2h or 1d.");
            }

            if (!Features.Nudges.NudgeTexts.TryParseSnooze(word, out var length))
            {
                return Fail("snooze", $"'{TextScan.Echo(word)}' isn't a length. Use minutes, hours or days, e.g. 30m, 2h or 1d.");
            }

            var kindWord = NextToken();
            Outbox.NudgeKind? kind = null;
            if (kindWord.Length > 0)
            {
                kind = Features.Nudges.NudgeTexts.KindOf(kindWord);
                if (kind is null)
                {
                    return Fail("snooze", $"'{TextScan.Echo(kindWord)}' isn't a nudge. Say update or stale, or nothing for both.");
                }
            }

            return Rest().Length > 0
                ? Fail("snooze", "Give a length and, if you like, update or stale; nothing after that.")
                : Ok(new SnoozeCommand(length, kind));
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
            if (topic is not null)
            {
                return Ok(new HelpCommand(topic));
            }

            var near = Spelling.Closest(word, CommandHelp.CommandNames);
            return near is null
                ? new ParseFailure($"There's no command '{TextScan.Echo(word)}'. {ChatMarkup.Command("help")} lists the commands.", null)
                : new ParseFailure($"There's no command '{TextScan.Echo(word)}'. Did you mean {near}?", CommandHelp.Usage(near, context));
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
            Rest().Length > 0 ? Fail(command, $"{ChatMarkup.Command(command)} takes nothing after it.") : Ok(parsed);

        private static bool TooLong(string freeText) =>
            freeText.Length > MaxTextLength && TextScan.CodePointCount(freeText) > MaxTextLength;

        private static string TooLongMessage(string label) => $"{label} is too long (max {MaxTextLength} characters).";
    }
}
