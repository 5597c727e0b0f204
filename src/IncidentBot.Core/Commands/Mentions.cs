using System.Globalization;
using System.Text;

namespace IncidentBot.Core.Commands;

/// <summary>How a token reads as a person on the current platform.</summary>
internal enum MentionKind
{
    /// <summary>Not meant as a person (plain word, channel link…): stays part of the text.</summary>
    NotAMention,

    /// <summary>A person or "me".</summary>
    Person,

    /// <summary>Clearly meant as a person but not usable; <see cref="MentionResult.Error"/> says why.</summary>
    Rejected,
}

internal readonly record struct MentionResult(MentionKind Kind, PersonTarget? Person, string? Error)
{
    public static MentionResult None { get; } = new(MentionKind.NotAMention, null, null);

    public static MentionResult Of(PersonTarget person) => new(MentionKind.Person, person, null);

    public static MentionResult Reject(string error) => new(MentionKind.Rejected, null, error);
}

/// <summary>Per-platform mention syntax: Slack &lt;@U…&gt;, Teams &lt;at&gt;…&lt;/at&gt;, console @name, and "me" everywhere.</summary>
internal static class Mentions
{
    private const string TeamsOpen = "<at>";
    private const string TeamsClose = "</at>";

    /// <summary>End (exclusive) of the person token starting at <paramref name="start"/> (a non-separator).</summary>
    public static int PersonTokenEnd(string text, int start, CommandContext context)
    {
        if (context.IsTeams && text.AsSpan(start).StartsWith(TeamsOpen, StringComparison.OrdinalIgnoreCase))
        {
            var close = text.IndexOf(TeamsClose, start, StringComparison.OrdinalIgnoreCase);
            if (close >= 0)
            {
                return close + TeamsClose.Length;
            }
        }
        else if (context.IsSlack && text[start] == '<')
        {
            var close = text.IndexOf('>', start);
            if (close >= 0)
            {
                return close + 1;
            }
        }

        return TextScan.TokenEnd(text, start);
    }

    /// <summary>Start of the last token of <paramref name="text"/> (trimmed, non-empty), keeping a multi-word Teams or Slack mention whole.</summary>
    public static int LastTokenStart(string text, CommandContext context)
    {
        if (context.IsTeams && text.EndsWith(TeamsClose, StringComparison.OrdinalIgnoreCase))
        {
            var open = text.LastIndexOf(TeamsOpen, StringComparison.OrdinalIgnoreCase);
            if (open >= 0 && (open == 0 || TextScan.IsSeparator(text[open - 1])))
            {
                return open;
            }
        }
        else if (context.IsSlack && text.EndsWith('>'))
        {
            var open = text.LastIndexOf('<');
            if (open >= 0 && (open == 0 || TextScan.IsSeparator(text[open - 1])))
            {
                return open;
            }
        }

        var start = text.Length;
        while (start > 0 && !TextScan.IsSeparator(text[start - 1]))
        {
            start--;
        }

        return start;
    }

    /// <summary>
    /// Reads one token as a person. Where a person is expected (<paramref name="personExpected"/>, e.g. <c>role</c>), a bare "me"
    /// is the person typing and a Slack channel link is refused; as the last word of free text (the <c>action</c> owner) both are
    /// ordinary text. User mentions, "@me", and things that can only be meant as a person (@here, a plain "@alice" in Slack/Teams,
    /// an unknown Teams mention) count either way.
    /// </summary>
    public static MentionResult Read(string token, CommandContext context, bool personExpected)
    {
        if ((personExpected && token.Equals("me", StringComparison.OrdinalIgnoreCase))
            || token.Equals("@me", StringComparison.OrdinalIgnoreCase))
        {
            return MentionResult.Of(PersonTarget.Self);
        }

        if (context.IsSlack)
        {
            return ReadSlack(token, personExpected);
        }

        return context.IsTeams ? ReadTeams(token, context) : ReadConsole(token);
    }

    private static MentionResult ReadSlack(string token, bool personExpected)
    {
        if (token.Length > 2 && token.StartsWith("<@", StringComparison.Ordinal) && token.EndsWith('>'))
        {
            var inner = token[2..^1];
            var bar = inner.IndexOf('|', StringComparison.Ordinal);
            var id = bar >= 0 ? inner[..bar] : inner;
            var name = bar >= 0 ? inner[(bar + 1)..].Trim() : null;
            if (!IsSlackUserId(id))
            {
                return MentionResult.Reject("That mention isn't a person. Pick one person from Slack's @-mention list.");
            }

            return MentionResult.Of(new PersonTarget("slack:" + id, string.IsNullOrEmpty(name) ? null : name, false));
        }

        if (token.Length > 2 && token.StartsWith("<!", StringComparison.Ordinal) && token.EndsWith('>'))
        {
            return MentionResult.Reject("@channel, @here and groups can't be assigned. Pick one person from Slack's @-mention list.");
        }

        if (personExpected && token.Length > 2 && token.StartsWith("<#", StringComparison.Ordinal) && token.EndsWith('>'))
        {
            return MentionResult.Reject("That's a channel, not a person. Pick one person from Slack's @-mention list.");
        }

        if (token.Length > 1 && token[0] == '@')
        {
            return MentionResult.Reject(
                $"I can't tell who '{TextScan.Echo(token)}' is. Pick the person from Slack's @-mention list so the name turns into a link.");
        }

        return MentionResult.None;
    }

    private static bool IsSlackUserId(string id)
    {
        if (id.Length < 2 || (id[0] != 'U' && id[0] != 'W'))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return true;
    }

    private static MentionResult ReadTeams(string token, CommandContext context)
    {
        if (token.StartsWith(TeamsOpen, StringComparison.OrdinalIgnoreCase) && token.EndsWith(TeamsClose, StringComparison.OrdinalIgnoreCase)
            && token.Length >= TeamsOpen.Length + TeamsClose.Length)
        {
            var inner = TeamsInnerName(token);
            var found = FindTeamsPerson(token, inner, context.TeamsMentions);
            return found is null
                ? MentionResult.Reject($"I don't know who '{TextScan.Echo(inner)}' is. Pick the person from Teams' @-mention list.")
                : MentionResult.Of(new PersonTarget(found.PersonKey, found.DisplayName, false));
        }

        if (token.Length > 1 && token[0] == '@')
        {
            return MentionResult.Reject(
                $"I can't tell who '{TextScan.Echo(token)}' is. Pick the person from Teams' @-mention list.");
        }

        return MentionResult.None;
    }

    private static string TeamsInnerName(string mention) =>
        TextScan.TrimSeparators(mention[TeamsOpen.Length..^TeamsClose.Length]);

    private static PersonMention? FindTeamsPerson(string token, string inner, IReadOnlyDictionary<string, PersonMention>? mentions)
    {
        if (mentions is null)
        {
            return null;
        }

        if (mentions.TryGetValue(token, out var exact))
        {
            return exact;
        }

        // Failing the exact text, match the name inside <at>…</at> (or a key given as a bare name), ignoring case.
        PersonMention? match = null;
        foreach (var (key, person) in mentions)
        {
            var keyName = key.StartsWith(TeamsOpen, StringComparison.OrdinalIgnoreCase) && key.EndsWith(TeamsClose, StringComparison.OrdinalIgnoreCase)
                && key.Length >= TeamsOpen.Length + TeamsClose.Length
                ? TeamsInnerName(key)
                : TextScan.TrimSeparators(key);
            if (!string.Equals(keyName, inner, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (match is not null && match.PersonKey != person.PersonKey)
            {
                return null; // two different people answer to that name: do not guess
            }

            match = person;
        }

        return match;
    }

    private static MentionResult ReadConsole(string token)
    {
        if (token.Length < 2 || token[0] != '@')
        {
            return MentionResult.None;
        }

        var name = token[1..].TrimEnd('.');
        return IsConsoleName(name)
            ? MentionResult.Of(new PersonTarget("console:" + name, name, false))
            : MentionResult.None;
    }

    /// <summary>Letters (any script), digits, combining marks, '.', '_' and '-', with at least one letter or digit.</summary>
    private static bool IsConsoleName(string name)
    {
        var hasLetterOrDigit = false;
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                hasLetterOrDigit = true;
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            var allowed = rune.Value is '.' or '_' or '-'
                || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!allowed)
            {
                return false;
            }
        }

        return hasLetterOrDigit;
    }
}
