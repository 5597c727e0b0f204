using System.Text;

namespace IncidentBot.Teams.Cards;

public static partial class TeamsCards
{
    /// <summary>
    /// Escapes text for Teams markdown (a card's TextBlock or fact, or a message sent with <c>textFormat: markdown</c>)
    /// so it renders literally: a title of <c>*urgent* [click](https://evil)</c> stays those characters. Backslash-escapes
    /// the inline markers (<c>\ * _ ` [ ] &lt; &gt;</c>) everywhere and the block markers (<c># - + = &gt;</c>, <c>1.</c> /
    /// <c>1)</c>) at the start of a line; breaks up <c>{{</c> so no <c>{{DATE(…)}}</c> function is evaluated; drops control
    /// and bidirectional-override characters. Line breaks are kept as <c>\n</c>.
    /// With <paramref name="keepCodeSpans"/>, a <c>`…`</c> span on one line is kept as code (the core's replies mark
    /// commands that way): markdown shows a code span's characters as they are, so nothing inside needs escaping.
    /// </summary>
    public static string Escape(string? text, bool keepCodeSpans = false)
    {
        var clean = Plain(text, multiline: true);
        if (clean.Length == 0)
        {
            return clean;
        }

        var sb = new StringBuilder(clean.Length + 8);
        var lineStart = true;
        for (var i = 0; i < clean.Length; i++)
        {
            var c = clean[i];
            if (c == '\n')
            {
                sb.Append(c);
                lineStart = true;
                continue;
            }

            if (lineStart)
            {
                if (c == ' ')
                {
                    sb.Append(c);
                    continue;
                }

                lineStart = false;
                if (c is '#' or '-' or '+' or '=')
                {
                    sb.Append('\\').Append(c);
                    continue;
                }

                if (char.IsAsciiDigit(c))
                {
                    var end = i;
                    while (end < clean.Length && char.IsAsciiDigit(clean[end]))
                    {
                        end++;
                    }

                    if (end < clean.Length && clean[end] is '.' or ')')
                    {
                        // "1. first" would become a numbered list: "1\. first".
                        sb.Append(clean, i, end - i).Append('\\').Append(clean[end]);
                        i = end;
                        continue;
                    }
                }
            }

            if (keepCodeSpans && c == '`' && CodeSpanEnd(clean, i) is var close and > 0)
            {
                sb.Append(clean, i, close - i + 1);
                i = close;
                continue;
            }

            switch (c)
            {
                case '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>':
                    sb.Append('\\').Append(c);
                    break;
                case '{' when i + 1 < clean.Length && clean[i + 1] == '{':
                    // "{{DATE(…)}}" is a function to the renderer, evaluated before markdown: break the pair
                    // with a zero-width space, which a backslash would not do.
                    sb.Append('{').Append('\u200B');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Where the code span opened at <paramref name="open"/> closes: a later backtick on the same line, with something between; else -1.</summary>
    private static int CodeSpanEnd(string text, int open)
    {
        for (var i = open + 1; i < text.Length && text[i] != '\n'; i++)
        {
            if (text[i] == '`')
            {
                return i > open + 1 ? i : -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// Text for places the card shows verbatim (button and choice titles, input values): line breaks
    /// normalised to <c>\n</c> (or spaces when <paramref name="multiline"/> is false), tabs to spaces, other
    /// control characters and bidirectional overrides removed.
    /// </summary>
    internal static string Plain(string? text, bool multiline = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n' or '\u2028' or '\u2029':
                    sb.Append(multiline ? '\n' : ' ');
                    break;
                case '\t':
                    sb.Append(' ');
                    break;
                case >= '\u202A' and <= '\u202E':
                case >= '\u2066' and <= '\u2069':
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
