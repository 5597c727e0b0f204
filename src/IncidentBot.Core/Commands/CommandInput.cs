namespace IncidentBot.Core.Commands;

/// <summary>
/// A typed command as the grammar reads it: plain text, with the people the surface's own mention syntax named
/// already resolved. <see cref="Text"/> holds each mention in a readable form ("@Alice Smith"), so free text such as
/// a note reads the same everywhere; <see cref="Mentions"/> says where those spans are and who they name.
/// </summary>
public sealed record CommandInput(string Text, IReadOnlyList<Mention> Mentions)
{
    /// <summary>Text with no mentions in it.</summary>
    public static CommandInput Plain(string? text) => new(ChatMarkup.Strip(text ?? string.Empty), []);

    /// <summary>The mention starting at <paramref name="start"/>, if any.</summary>
    internal Mention? MentionAt(int start)
    {
        foreach (var mention in Mentions)
        {
            if (mention.Start == start)
            {
                return mention;
            }
        }

        return null;
    }

    /// <summary>The first mention starting at or after <paramref name="start"/>, or <see cref="Text"/>'s length.</summary>
    internal int NextMentionStart(int start)
    {
        var next = Text.Length;
        foreach (var mention in Mentions)
        {
            if (mention.Start >= start && mention.Start < next)
            {
                next = mention.Start;
            }
        }

        return next;
    }
}

/// <summary>
/// A span of <see cref="CommandInput.Text"/> the surface read as a person: <see cref="Person"/> when it knows who, or
/// <see cref="Refusal"/> (in the surface's own words) when the span is clearly meant as a person but names nobody usable.
/// A refusal with <see cref="RefusedOnlyAsPerson"/> (a channel link, say) is ordinary text wherever no person is expected.
/// </summary>
public sealed record Mention(int Start, int Length, PersonMention? Person, string? Refusal = null, bool RefusedOnlyAsPerson = false)
{
    public int End => Start + Length;
}

/// <summary>A person a mention resolved to. PersonKey: "slack:U024BE7LH", "teams:&lt;aadObjectId&gt;", "console:alice".</summary>
public sealed record PersonMention(string PersonKey, string? DisplayName);

/// <summary>Builds a <see cref="CommandInput"/> piece by piece, keeping each mention's span right.</summary>
public sealed class CommandInputBuilder
{
    private readonly System.Text.StringBuilder _text = new();
    private readonly List<Mention> _mentions = [];

    public CommandInputBuilder Text(string text)
    {
        _text.Append(ChatMarkup.Strip(text));
        return this;
    }

    /// <summary>A resolved person, shown in the text as <paramref name="shown"/> (e.g. "@Alice Smith").</summary>
    public CommandInputBuilder Person(string shown, PersonMention person)
    {
        shown = ChatMarkup.Strip(shown);
        _mentions.Add(new Mention(_text.Length, shown.Length, person));
        _text.Append(shown);
        return this;
    }

    /// <summary>Something meant as a person that is not usable as one; <paramref name="reason"/> is the reply.</summary>
    public CommandInputBuilder Refused(string shown, string reason, bool onlyAsPerson = false)
    {
        shown = ChatMarkup.Strip(shown);
        _mentions.Add(new Mention(_text.Length, shown.Length, null, reason, onlyAsPerson));
        _text.Append(shown);
        return this;
    }

    public CommandInput Build() => new(_text.ToString(), [.. _mentions]);
}
