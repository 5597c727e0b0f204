using IncidentBot.Core.Commands;

namespace IncidentBot.Teams.Inbound;

/// <summary>Teams' side of the command grammar: its <c>&lt;at&gt;Name&lt;/at&gt;</c> mentions in, its light HTML out.</summary>
public static class TeamsMentionText
{
    private const string Open = "<at>";
    private const string Close = "</at>";

    /// <summary>
    /// A message's text (the bot's own mention already taken out) as the grammar reads it: each <c>&lt;at&gt;…&lt;/at&gt;</c>
    /// becomes "@Name" and the person the activity's mention entities say it is (<paramref name="mentions"/>: the entity's
    /// text → person). Failing the exact text, the name inside the tags is matched ignoring case, unless two people share it.
    /// A mention nobody can be found for is refused wherever a person is wanted.
    /// </summary>
    public static CommandInput Command(string? text, IReadOnlyDictionary<string, PersonMention> mentions)
    {
        ArgumentNullException.ThrowIfNull(mentions);
        var raw = text ?? string.Empty;
        var input = new CommandInputBuilder();
        var index = 0;
        while (index < raw.Length)
        {
            var open = raw.IndexOf(Open, index, StringComparison.OrdinalIgnoreCase);
            var close = open < 0 ? -1 : raw.IndexOf(Close, open + Open.Length, StringComparison.OrdinalIgnoreCase);
            if (open < 0 || close < 0)
            {
                break;
            }

            input.Text(raw[index..open]);
            var token = raw[open..(close + Close.Length)];
            var inner = raw[(open + Open.Length)..close].Trim();
            if (Find(token, inner, mentions) is { } person)
            {
                input.Person("@" + inner, person);
            }
            else
            {
                input.Refused("@" + inner, $"I don't know who '{inner}' is. Pick the person from Teams' @-mention list.");
            }

            index = close + Close.Length;
        }

        input.Text(raw[index..]);
        return input.Build();
    }

    /// <summary>A reply from the core in Teams markdown before escaping: each command it names becomes a code span after the bot's name (<see cref="Outbound.TeamsConnectorClient.MarkdownMessage"/> escapes the rest).</summary>
    public static string Reply(string text) => ChatMarkup.Render(text, command => $"`@IncidentBot {command}`");

    private static PersonMention? Find(string token, string inner, IReadOnlyDictionary<string, PersonMention> mentions)
    {
        if (mentions.TryGetValue(token, out var exact))
        {
            return exact;
        }

        PersonMention? match = null;
        foreach (var (key, person) in mentions)
        {
            var keyName = key.StartsWith(Open, StringComparison.OrdinalIgnoreCase) && key.EndsWith(Close, StringComparison.OrdinalIgnoreCase)
                && key.Length >= Open.Length + Close.Length
                ? key[Open.Length..^Close.Length].Trim()
                : key.Trim();
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
}
