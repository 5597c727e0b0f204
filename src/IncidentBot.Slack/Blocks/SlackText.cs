using System.Net;

namespace IncidentBot.Slack.Blocks;

/// <summary>Text going to Slack: user text is escaped so it can never become markup or a mass mention.</summary>
public static class SlackText
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
    /// Gives a name to each bare user mention (<c>&lt;@U123&gt;</c> → <c>&lt;@U123|dana&gt;</c>) that
    /// <paramref name="names"/> knows, so a command naming someone says who they are, not their id.
    /// </summary>
    public static string NameMentions(string text, IReadOnlyDictionary<string, string> names) =>
        Markup.Replace(text, m => m.Groups["kind"].Value == "@" && !m.Groups["label"].Success && names.TryGetValue(m.Groups["target"].Value, out var name)
            ? $"<@{m.Groups["target"].Value}|{name.Replace(">", string.Empty, StringComparison.Ordinal)}>"
            : m.Value);

    /// <summary>The user ids a message mentions.</summary>
    public static IReadOnlyList<string> MentionedUsers(string? text) =>
        Markup.Matches(text ?? string.Empty).Where(m => m.Groups["kind"].Value == "@").Select(m => m.Groups["target"].Value).Distinct(StringComparer.Ordinal).ToList();

    private static readonly System.Text.RegularExpressions.Regex Markup =
        new(@"<(?<kind>[@#!]?)(?<target>[^<>|]+)(?:\|(?<label>[^<>]*))?>", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>A mention of a person when they are a Slack user, else their name as text.</summary>
    public static string Person(string personKey, string name) =>
        personKey.StartsWith("slack:", StringComparison.Ordinal) ? $"<@{personKey["slack:".Length..]}>" : Escape(name);

    /// <summary>A link with escaped label; the URL must be one we built.</summary>
    public static string Link(string url, string label) => $"<{WebUtility.HtmlEncode(url).Replace("|", "%7C", StringComparison.Ordinal)}|{Escape(label).Replace("|", "∣", StringComparison.Ordinal)}>";
}
