using System.Buffers;
using System.Globalization;
using System.Text;
using IncidentBot.Core.Features;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// Builds the document in one <see cref="StringBuilder"/>. Template text goes in as written; values are escaped so
/// user text cannot change the document's structure: <c>`</c>, <c>[</c>, <c>]</c>, <c>|</c> get a backslash,
/// <c>&lt;</c> becomes <c>&amp;lt;</c> (no HTML, no autolinks), a backslash before punctuation is doubled, and where a value
/// starts a line (nothing but list/quote markers before it) a leading <c>#</c> <c>&gt;</c> <c>-</c> <c>+</c> <c>*</c>
/// <c>=</c> <c>_</c> <c>~</c> or <c>1.</c> is escaped so it cannot open a heading, quote, list, rule or fence. In a
/// table row a line break becomes <c>&lt;br&gt;</c>; elsewhere it is kept and the next line is treated the same way.
/// Links are written only for absolute http/https URLs.
/// </summary>
internal sealed class MarkdownWriter(StringBuilder output, ReviewDocModel model)
{
    /// <summary>What is never written as is in a value (C0 controls other than \n are dropped).</summary>
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "`[]|<\\\r\n\t\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\u000B\f\u000E\u000F\u0010\u0011\u0012\u0013\u0014"
        + "\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    private const string Missing = "—";

    /// <summary>The current line so far holds only whitespace and container markers (<c>- </c>, <c>&gt; </c>, <c>1. </c>, <c>[x] </c>).</summary>
    private bool onlyMarkers = true;

    /// <summary>Nothing but whitespace is on the current line yet.</summary>
    private bool blankLine = true;

    /// <summary>The current line is a table row (its first character is <c>|</c>).</summary>
    private bool tableRow;

    /// <summary>Template text, written as is.</summary>
    public void Literal(string text)
    {
        output.Append(text);
        var span = text.AsSpan();
        var lastBreak = span.LastIndexOf('\n');
        if (lastBreak >= 0)
        {
            NewLineState();
            span = span[(lastBreak + 1)..];
        }

        foreach (var c in span)
        {
            Track(c);
        }
    }

    public void Write(in TemplateValue value)
    {
        switch (value.Kind)
        {
            case ValueKind.Text:
                Text(value.Text);
                break;
            case ValueKind.Time:
                if (value.Time is { } time)
                {
                    Content();
                    output.Append(CultureInfo.InvariantCulture, $"{model.ToZone(time):yyyy-MM-dd HH:mm}");
                }
                else
                {
                    Text(Missing);
                }

                break;
            case ValueKind.Duration:
                Text(value.Span is { } span ? IncidentTexts.Duration(span) : Missing);
                break;
            case ValueKind.Link:
                Link(value.Text, value.Url);
                break;
            case ValueKind.Flag:
                Text(value.Flag ? "yes" : "no");
                break;
        }
    }

    public void Number(int value)
    {
        Content();
        output.Append(CultureInfo.InvariantCulture, $"{value}");
    }

    /// <summary>User text, escaped (see the class summary).</summary>
    public void Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var span = text.AsSpan().Trim();
        var i = 0;
        var lineStart = true;
        while (i < span.Length)
        {
            if (lineStart)
            {
                while (i < span.Length && span[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i == span.Length)
                {
                    break;
                }

                lineStart = false;
                if (onlyMarkers)
                {
                    i = EscapeBlockStart(span, i);
                }
            }

            var rest = span[i..];
            var next = rest.IndexOfAny(Special);
            if (next < 0)
            {
                Append(rest);
                break;
            }

            Append(rest[..next]);
            i += next;
            var c = span[i];
            switch (c)
            {
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < span.Length && span[i + 1] == '\n')
                    {
                        i++;
                    }

                    LineBreak();
                    lineStart = true;
                    break;
                case '\t':
                    Append(" ");
                    break;
                case '`' or '[' or ']' or '|':
                    Content();
                    output.Append('\\').Append(c);
                    break;
                case '<':
                    Append("&lt;");
                    break;
                case '\\':
                    // Only a backslash before punctuation escapes something; elsewhere (C:\temp) it stays single.
                    Append(i + 1 >= span.Length || IsAsciiPunctuation(span[i + 1]) ? "\\\\" : "\\");
                    break;
                default:
                    break; // other control characters are dropped
            }

            i++;
        }
    }

    /// <summary><c>[text](url)</c> for an absolute http/https URL; anything else is written as escaped text.</summary>
    public void Link(string? text, string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Text(url);
            return;
        }

        Content();
        output.Append('[');
        Text(string.IsNullOrWhiteSpace(text) ? url : text);
        output.Append("](");
        foreach (var c in uri.AbsoluteUri)
        {
            // Characters that would end or split the destination are percent-encoded.
            if (c is '(' or ')' or '<' or '>' or ' ' or '"' or '\\' or '`' || char.IsControl(c))
            {
                output.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                output.Append(c);
            }
        }

        output.Append(')');
    }

    /// <summary>Escapes what would open a block at the start of a line; returns where the caller continues.</summary>
    private int EscapeBlockStart(ReadOnlySpan<char> span, int i)
    {
        var c = span[i];
        if (c is '#' or '>' or '-' or '+' or '*' or '=' or '_' or '~')
        {
            Content();
            output.Append('\\');
            return i;
        }

        if (char.IsAsciiDigit(c))
        {
            var end = i;
            while (end < span.Length && end - i < 10 && char.IsAsciiDigit(span[end]))
            {
                end++;
            }

            if (end < span.Length && span[end] is '.' or ')')
            {
                Append(span[i..end]);
                output.Append('\\');
                return end;
            }
        }

        return i;
    }

    private void LineBreak()
    {
        if (tableRow)
        {
            output.Append("<br>");
            return;
        }

        output.Append('\n');
        NewLineState();
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Content();
        output.Append(text);
    }

    /// <summary>A value's text is content: after it, nothing on this line starts a block.</summary>
    private void Content()
    {
        onlyMarkers = false;
        blankLine = false;
    }

    private void NewLineState()
    {
        onlyMarkers = true;
        blankLine = true;
        tableRow = false;
    }

    private void Track(char c)
    {
        if (c is ' ' or '\t' or '\r')
        {
            return;
        }

        if (blankLine)
        {
            blankLine = false;
            tableRow = c == '|';
        }

        if (onlyMarkers && !IsMarker(c))
        {
            onlyMarkers = false;
        }
    }

    private static bool IsMarker(char c) =>
        c is '-' or '*' or '+' or '>' or '.' or ')' or '[' or ']' or 'x' or 'X' || char.IsAsciiDigit(c);

    private static bool IsAsciiPunctuation(char c) => c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';
}
