using System.Text.RegularExpressions;

namespace IncidentBot.Core.Commands;

/// <summary>Configured names and their aliases, matched ignoring case.</summary>
internal static class Names
{
    public static string? Match(string word, IReadOnlyList<string> names, IReadOnlyDictionary<string, string> aliases)
    {
        foreach (var name in names)
        {
            if (string.Equals(name, word, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return aliases.TryGetValue(word, out var canonical) ? canonical : null;
    }
}

/// <summary>
/// Severity words. A word that is a configured severity or alias is one; a word that only looks like one (<c>sev9</c>,
/// <c>SEV-1</c>, <c>p1</c>, one letter off a long name such as <c>critcal</c>) is refused rather than read as the start of a
/// title; anything else (<c>S3</c>, <c>P2P</c>, <c>severe</c>) is an ordinary word. The patterns stay this tight because a
/// title is far more often right than a guess.
/// </summary>
internal static partial class Severities
{
    public static string? Match(string word, CommandContext context) =>
        Names.Match(Bare(word), context.Severities, context.SeverityAliases);

    public static bool LooksLikeSeverity(string word, CommandContext context)
    {
        var bare = Bare(word);
        if (SevLike().IsMatch(bare) || PriorityLike().IsMatch(bare))
        {
            return true;
        }

        if (bare.Length < 5)
        {
            return false;
        }

        foreach (var (spelling, _) in Spellings(context))
        {
            if (spelling.Length >= 5 && Spelling.Distance(bare, spelling, 2) <= (spelling.Length >= 8 ? 2 : 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"'p1' isn't a severity here. Did you mean SEV1? Severities: …".</summary>
    public static string Unknown(string word, CommandContext context)
    {
        var meant = Suggest(Bare(word), context);
        var hint = meant is null ? string.Empty : $" Did you mean {meant}?";
        return $"'{TextScan.Echo(word)}' isn't a severity here.{hint} Severities: {CommandHelp.SeverityList(context)}.";
    }

    private static string? Suggest(string word, CommandContext context)
    {
        var spellings = Spellings(context).ToList();
        var normal = Normal(word);
        foreach (var (spelling, canonical) in spellings)
        {
            if (Normal(spelling) == normal)
            {
                return canonical;
            }
        }

        var digits = Digits(word);
        if (digits.Length > 0)
        {
            var sameDigits = spellings.Where(s => Digits(s.Spelling) == digits).Select(s => s.Canonical).Distinct(StringComparer.Ordinal).ToList();
            if (sameDigits.Count == 1)
            {
                return sameDigits[0];
            }
        }

        var near = Spelling.Closest(word, spellings.Select(s => s.Spelling));
        return near is null ? null : Match(near, context);
    }

    private static IEnumerable<(string Spelling, string Canonical)> Spellings(CommandContext context) =>
        context.Severities.Select(n => (n, n)).Concat(context.SeverityAliases.Select(a => (a.Key, a.Value)));

    /// <summary>"SEV1:" and "SEV1," (as typed before a title) are SEV1.</summary>
    private static string Bare(string word) => word.TrimEnd(':', ',');

    private static string Normal(string word) =>
        new string(word.Where(c => c is not ('-' or '_' or '.' or ' ')).ToArray()).ToLowerInvariant();

    private static string Digits(string word) => new(word.Where(char.IsAsciiDigit).ToArray());

    [GeneratedRegex(@"^sev(?:[-_.]?[0-9]{1,2})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SevLike();

    [GeneratedRegex(@"^p[0-9]$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PriorityLike();
}
