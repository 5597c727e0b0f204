namespace IncidentBot.Core.Commands;

/// <summary>
/// The one piece of formatting the core puts in a reply: "this is a command you can type". The core marks it without
/// a prefix or platform syntax; each surface renders it its own way (Slack: <c>`/incident note …`</c>, Teams: a code span
/// after <c>@IncidentBot</c>, the console: quoted plain text).
/// </summary>
public static class ChatMarkup
{
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    /// <summary>Marks <paramref name="command"/> (the words after the prefix, e.g. "INC-42 note …") as something to type.</summary>
    public static string Command(string command) => $"{Open}{command}{Close}";

    /// <summary>
    /// Replaces each marked command with <paramref name="render"/>'s form of it. Call it after escaping the text for the
    /// surface: the markers survive escaping, and the command text inside them has been escaped with the rest.
    /// </summary>
    public static string Render(string text, Func<string, string> render)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(render);
        if (text.IndexOf(Open, StringComparison.Ordinal) < 0 && text.IndexOf(Close, StringComparison.Ordinal) < 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 32);
        var index = 0;
        while (index < text.Length)
        {
            var open = text.IndexOf(Open, index);
            var close = open < 0 ? -1 : text.IndexOf(Close, open + 1);
            if (open < 0 || close < 0)
            {
                builder.Append(Strip(text[index..]));
                break;
            }

            builder.Append(Strip(text[index..open])).Append(render(Strip(text[(open + 1)..close])));
            index = close + 1;
        }

        return builder.ToString();
    }

    /// <summary>Typed text with the markers taken out, so nothing a person types can pose as a command in a reply.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.IndexOf(Open, StringComparison.Ordinal) < 0 && text.IndexOf(Close, StringComparison.Ordinal) < 0
            ? text
            : text.Replace(Open.ToString(), string.Empty, StringComparison.Ordinal).Replace(Close.ToString(), string.Empty, StringComparison.Ordinal);
    }
}
