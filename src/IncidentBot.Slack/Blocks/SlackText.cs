using System.Net;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;

namespace IncidentBot.Slack.Blocks;

/// <summary>Text going to Slack: user text is escaped so it can never become markup or a mass mention.</summary>
public static partial class SlackText
{
    /// <summary>Escapes <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>: a title of <c>&lt;!channel&gt;</c> stays text.</summary>
    public static string Escape(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Slack sends typed text with &amp;, &lt; and &gt; escaped; this gives back what the person typed.</summary>
    public static string Unescape(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    /// <summary>
    /// Slack's markup in a message (<c>&lt;@U123&gt;</c>, <c>&lt;#C123|ops&gt;</c>, <c>&lt;!here&gt;</c>, links) as a person
    /// reads it: "@name", "#ops", "@here", "label (url)"; then unescaped. <paramref name="names"/> names user ids.
    /// </summary>
    public static string Readable(string? text, IReadOnlyDictionary<string, string> names) =>
        Unescape(Markup.Replace(text ?? string.Empty, m =>
        {
            var target = m.Groups["target"].Value;
            var label = m.Groups["label"].Success && m.Groups["label"].Value.Length > 0 ? m.Groups["label"].Value : null;
            return m.Groups["kind"].Value switch
            {
                "@" => "@" + (label ?? names.GetValueOrDefault(target) ?? target),
                "#" => "#" + (label ?? target),
                "!" => label ?? "@" + target.Split('^')[0],
                _ => label is null ? target : $"{label} ({target})",
            };
        }));

    /// <summary>
    /// A slash command's text (as Slack sends it: escaped, mentions as <c>&lt;@U123|name&gt;</c>) as the grammar reads it:
    /// plain text, with each user mention a resolved person shown as "@name". <c>@channel</c>/<c>@here</c>/groups and
    /// non-user ids are refused wherever a person is wanted; a channel link only where a person is wanted, and is text
    /// elsewhere. <paramref name="names"/> names bare user ids (from users.info).
    /// </summary>
    public static CommandInput Command(string? text, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        const string PickOne = "Pick one person from Slack's @-mention list.";
        var input = new CommandInputBuilder();
        var raw = text ?? string.Empty;
        var index = 0;
        foreach (System.Text.RegularExpressions.Match m in Markup.Matches(raw))
        {
            input.Text(Unescape(raw[index..m.Index]));
            index = m.Index + m.Length;
            var target = m.Groups["target"].Value;
            var label = m.Groups["label"].Success && m.Groups["label"].Value.Trim().Length > 0 ? Unescape(m.Groups["label"].Value.Trim()) : null;
            switch (m.Groups["kind"].Value)
            {
                case "@" when IsUserId(target):
                    var name = label ?? names.GetValueOrDefault(target);
                    input.Person("@" + (name ?? target), new PersonMention(PersonKey.Create("slack", target), name));
                    break;
                case "@":
                case "" when target[0] is '@' or '!' or '#':
                    input.Refused("@" + (label ?? target.TrimStart('@')), $"That mention isn't a person. {PickOne}");
                    break;
                case "!":
                    input.Refused(label ?? "@" + target.Split('^')[0], $"@channel, @here and groups can't be assigned. {PickOne}");
                    break;
                case "#":
                    input.Refused("#" + (label ?? target), $"That's a channel, not a person. {PickOne}", onlyAsPerson: true);
                    break;
                default:
                    input.Text(label is null ? Unescape(target) : $"{label} ({Unescape(target)})");
                    break;
            }
        }

        input.Text(Unescape(raw[index..]));
        return input.Build();
    }

    /// <summary>A reply from the core for Slack: escaped, with each command it names as <c>`/incident …`</c>.</summary>
    public static string Reply(string? text) => ChatMarkup.Render(Escape(text), command => $"`/incident {command}`");

    private static bool IsUserId(string id) =>
        id.Length >= 2 && id[0] is 'U' or 'W' && id.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9'));

    /// <summary>The user ids a message mentions.</summary>
    public static IReadOnlyList<string> MentionedUsers(string? text) =>
        Markup.Matches(text ?? string.Empty).Where(m => m.Groups["kind"].Value == "@").Select(m => m.Groups["target"].Value).Distinct(StringComparer.Ordinal).ToList();

    private static System.Text.RegularExpressions.Regex Markup => MarkupPattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"<(?<kind>[@#!]?)(?<target>[^<>|]+)(?:\|(?<label>[^<>]*))?>", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MarkupPattern();

    /// <summary>A mention of a person when they are a Slack user, else their name as text.</summary>
    public static string Person(string personKey, string name) =>
        personKey.StartsWith("slack:", StringComparison.Ordinal) ? $"<@{personKey["slack:".Length..]}>" : Escape(name);

    /// <summary>A link with escaped label; the URL must be one we built.</summary>
    public static string Link(string url, string label) => $"<{WebUtility.HtmlEncode(url).Replace("|", "%7C", StringComparison.Ordinal)}|{Escape(label).Replace("|", "∣", StringComparison.Ordinal)}>";
}
