using System.Text;

namespace IncidentBot.Core.Commands;

/// <summary>Whitespace rules shared by the parser: what separates tokens, and how free text is cleaned.</summary>
internal static class TextScan
{
    /// <summary>
    /// Unicode white space (tabs, newlines, NBSP, ideographic space…) plus invisible separators people paste in:
    /// zero-width space, word joiner, BOM, Mongolian vowel separator. ZWJ/ZWNJ are not separators: emoji and scripts need them.
    /// </summary>
    public static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || c is '\u200B' or '\u2060' or '\uFEFF' or '\u180E';

    public static int SkipSeparators(string text, int index)
    {
        while (index < text.Length && IsSeparator(text[index]))
        {
            index++;
        }

        return index;
    }

    public static int TokenEnd(string text, int index)
    {
        while (index < text.Length && !IsSeparator(text[index]))
        {
            index++;
        }

        return index;
    }

    /// <summary>Free text from <paramref name="start"/>: separators trimmed off both ends, CRLF made LF, the rest as typed.</summary>
    public static string FreeText(string text, int start)
    {
        var from = SkipSeparators(text, start);
        var to = text.Length;
        while (to > from && IsSeparator(text[to - 1]))
        {
            to--;
        }

        if (from >= to)
        {
            return string.Empty;
        }

        var slice = text.Substring(from, to - from);
        return slice.Contains('\r', StringComparison.Ordinal) ? slice.Replace("\r\n", "\n", StringComparison.Ordinal) : slice;
    }

    public static string TrimSeparators(string text)
    {
        var from = SkipSeparators(text, 0);
        var to = text.Length;
        while (to > from && IsSeparator(text[to - 1]))
        {
            to--;
        }

        return from == 0 && to == text.Length ? text : text[from..to];
    }

    /// <summary>Length in Unicode code points (an emoji counts once, as in PostgreSQL varchar(n)).</summary>
    public static int CodePointCount(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsLowSurrogate(c))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>User input quoted back in a reply: shortened, and unable to turn into a mention, link or code span.</summary>
    public static string Echo(string text)
    {
        const int Max = 40;
        var cut = text;
        if (text.Length > Max)
        {
            var length = char.IsHighSurrogate(text[Max - 1]) ? Max - 1 : Max;
            cut = string.Concat(text.AsSpan(0, length), "…");
        }

        var builder = new StringBuilder(cut.Length);
        foreach (var c in cut)
        {
            builder.Append(c switch
            {
                '<' => '‹',
                '>' => '›',
                '`' => '\'',
                '\r' or '\n' or '\t' => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }
}
