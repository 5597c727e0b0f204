namespace IncidentBot.Core.Commands;

/// <summary>Near-miss spelling: how far apart two words are, and which known word a typo most likely meant.</summary>
public static class Spelling
{
    /// <summary>
    /// Edits (insert, delete, substitute, swap two neighbours) between <paramref name="a"/> and <paramref name="b"/>,
    /// ignoring case; stops counting past <paramref name="limit"/> and returns <c>limit + 1</c>.
    /// </summary>
    public static int Distance(string a, string b, int limit = int.MaxValue - 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowBest = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var best = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, previous2[j - 2] + 1);
                }

                current[j] = best;
                rowBest = Math.Min(rowBest, best);
            }

            if (rowBest > limit)
            {
                return limit + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return Math.Min(previous[b.Length], limit + 1);
    }

    /// <summary>
    /// The one candidate that <paramref name="word"/> is a typo of: within one edit for words of up to five letters, two for
    /// longer ones, and strictly closer than any other candidate. Null when nothing is that close or two are equally close.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        var limit = word.Length <= 2 ? 0 : word.Length <= 5 ? 1 : 2;
        string? best = null;
        var bestDistance = limit + 1;
        var tie = false;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word, candidate, limit);
            if (distance < bestDistance)
            {
                (best, bestDistance, tie) = (candidate, distance, false);
            }
            else if (distance == bestDistance && best is not null && !string.Equals(best, candidate, StringComparison.OrdinalIgnoreCase))
            {
                tie = true;
            }
        }

        return tie || bestDistance > limit ? null : best;
    }
}
