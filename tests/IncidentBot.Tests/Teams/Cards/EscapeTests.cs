using IncidentBot.Teams.Cards;
using IncidentBot.Teams.Outbound;

namespace IncidentBot.Tests.Teams.Cards;

public class EscapeTests
{
    [Theory]
    [InlineData("Checkout errors spike", "Checkout errors spike")]
    [InlineData("*bold* **x**", @"\*bold\* \*\*x\*\*")]
    [InlineData("_italic_ snake_case", @"\_italic\_ snake\_case")]
    [InlineData("[click](https://evil.example)", @"\[click\](https://evil.example)")]
    [InlineData("`code`", @"\`code\`")]
    [InlineData(@"C:\temp", @"C:\\temp")]
    [InlineData("<at>Alice</at> <b>x</b>", @"\<at\>Alice\</at\> \<b\>x\</b\>")]
    [InlineData("# heading", @"\# heading")]
    [InlineData("issue #12", "issue #12")]
    [InlineData("- item", @"\- item")]
    [InlineData("+ item", @"\+ item")]
    [InlineData("api-gateway - eu", "api-gateway - eu")]
    [InlineData("> quote", @"\> quote")]
    [InlineData("a > b", @"a \> b")]
    [InlineData("1. first", @"1\. first")]
    [InlineData("12) twelfth", @"12\) twelfth")]
    [InlineData("2026 outage", "2026 outage")]
    [InlineData("v1.2 rollout", "v1.2 rollout")]
    [InlineData("   - indented", @"   \- indented")]
    [InlineData("first\n2. second\n- third", "first\n2\\. second\n\\- third")]
    [InlineData("===", @"\===")]
    public void MarkdownMarkers_AreEscaped(string input, string expected) =>
        Assert.Equal(expected, TeamsCards.Escape(input));

    [Theory]
    [InlineData("a\u0000b\u0007c\u001Bd\u007Fe", "abcde")]
    [InlineData("a\r\nb\rc", "a\nb\nc")]
    [InlineData("tab\there", "tab here")]
    [InlineData("evil\u202Etxt.exe", "eviltxt.exe")]
    [InlineData("a\u2066b\u2069c", "abc")]
    [InlineData("emoji 🔥 ok", "emoji 🔥 ok")]
    public void ControlCharacters_AreDropped(string input, string expected) =>
        Assert.Equal(expected, TeamsCards.Escape(input));

    [Fact]
    public void DateFunctions_AreNotEvaluated()
    {
        var escaped = TeamsCards.Escape("{{DATE(2017-02-14T06:08:39Z, SHORT)}}");

        Assert.DoesNotContain("{{", escaped, StringComparison.Ordinal);
        Assert.Equal("{\u200B{DATE(2017-02-14T06:08:39Z, SHORT)}}", escaped);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Nothing_IsEmpty(string? input) => Assert.Equal(string.Empty, TeamsCards.Escape(input));

    [Theory]
    [InlineData("Act on one: `@IncidentBot INC-<n> <command>`", "Act on one: `@IncidentBot INC-<n> <command>`")]
    [InlineData("*Checkout* `list` <at>Bob</at>", @"\*Checkout\* `list` \<at\>Bob\</at\>")]
    [InlineData("`*not bold*` and *bold*", @"`*not bold*` and \*bold\*")]
    [InlineData("a lone ` backtick", @"a lone \` backtick")]
    [InlineData("empty `` pair", @"empty \`\` pair")]
    [InlineData("`across\nlines`", "\\`across\nlines\\`")]
    [InlineData("# `help`", @"\# `help`")]
    public void CodeSpans_AreKeptWhenAsked_AndEverythingElseIsEscaped(string input, string expected) =>
        Assert.Equal(expected, TeamsCards.Escape(input, keepCodeSpans: true));

    [Fact]
    public void CodeSpans_AreEscapedInCards() =>
        Assert.Equal(@"\`list\`", TeamsCards.Escape("`list`"));

    [Fact]
    public void MarkdownMessage_EscapesAroundCodeSpans_OneParagraphPerLine()
    {
        var message = TeamsConnectorClient.MarkdownMessage("Open incidents (1):\n• INC-1 · *x* [y](z)\nAct on one: `@IncidentBot INC-<n> <command>`");

        Assert.Equal("markdown", message["textFormat"]!.GetValue<string>());
        Assert.Equal("Open incidents (1):\n\n• INC-1 · \\*x\\* \\[y\\](z)\n\nAct on one: `@IncidentBot INC-<n> <command>`", message["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("*bold* _it_ `code` [l](https://x.example) <at>Bob</at> &amp; # 1. > q", "*bold* _it_ `code` [l](https://x.example) <at>Bob</at> &amp; # 1. > q")]
    [InlineData("line one\r\nline two", "line one\nline two")]
    [InlineData("bell\u0007 nul\u0000 esc\u001B", "bell nul esc")]
    [InlineData("evil\u202Etxt.exe", "eviltxt.exe")]
    public void PlainMessage_SendsTheTextAsItIs_WithoutControlCharacters(string input, string expected)
    {
        var message = TeamsConnectorClient.PlainMessage(input);

        Assert.Equal("plain", message["textFormat"]!.GetValue<string>());
        Assert.Equal(expected, message["text"]!.GetValue<string>());
    }
}
