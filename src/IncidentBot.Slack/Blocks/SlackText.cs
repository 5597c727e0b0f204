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

    /// <summary>A mention of a person when they are a Slack user, else their name as text.</summary>
    public static string Person(string personKey, string name) =>
        personKey.StartsWith("slack:", StringComparison.Ordinal) ? $"<@{personKey["slack:".Length..]}>" : Escape(name);

    /// <summary>A link with escaped label; the URL must be one we built.</summary>
    public static string Link(string url, string label) => $"<{WebUtility.HtmlEncode(url).Replace("|", "%7C", StringComparison.Ordinal)}|{Escape(label).Replace("|", "∣", StringComparison.Ordinal)}>";
}
