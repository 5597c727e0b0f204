using IncidentBot.Core.Commands;
using IncidentBot.Core.Features.Chat;

namespace IncidentBot.Web.Console;

/// <summary>The console's side of the command grammar: its <c>@name</c> mentions in, plain text out.</summary>
public static class ConsoleCommands
{
    /// <summary>
    /// Typed text as the grammar reads it: each word <c>@name</c> that is a console name (letters, digits, '.', '_', '-')
    /// names <c>console:name</c>, as typed (a full stop after it is punctuation). <c>@me</c> is left to the grammar.
    /// </summary>
    public static CommandInput Read(string? text)
    {
        var raw = text ?? string.Empty;
        var input = new CommandInputBuilder();
        var index = 0;
        var word = 0;
        while (word < raw.Length)
        {
            while (word < raw.Length && IsSeparator(raw[word]))
            {
                word++;
            }

            var end = word;
            while (end < raw.Length && !IsSeparator(raw[end]))
            {
                end++;
            }

            if (end - word > 1 && raw[word] == '@')
            {
                var name = raw[(word + 1)..end].TrimEnd('.');
                if (!name.Equals("me", StringComparison.OrdinalIgnoreCase) && Access.ConsoleNameHandler.IsValid(name))
                {
                    // A full stop after the name ends the sentence; it stays in the text but is not part of the name.
                    input.Text(raw[index..word]).Person(raw[word..end], new PersonMention("console:" + name, name));
                    index = end;
                }
            }

            word = end;
        }

        input.Text(raw[index..]);
        return input.Build();
    }

    /// <summary>The console shows ephemeral and public replies alike, as plain text; commands it names are quoted.</summary>
    public static string Describe(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.OpenDeclareForm ? "Use the declare form below." : Render(reply.Text);
    }

    /// <summary>The typed line stays in the box after a refusal, to be corrected; after anything else the box is cleared.</summary>
    public static string? Kept(ChatReply reply, string? typed)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.IsRefusal ? typed : null;
    }

    /// <summary>Core text for the console: commands quoted, never in backticks.</summary>
    public static string Render(string text) => ChatMarkup.Render(text, command => $"“{command}”");

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '\u200B' or '\u2060' or '\uFEFF' or '\u180E';
}
