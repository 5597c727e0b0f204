using IncidentBot.Teams.Cards;

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
    public void Nothing_IsEmpty(string? input)
    {
        Assert.Equal(string.Empty, TeamsCards.Escape(input));
        Assert.Equal(string.Empty, TeamsCards.EscapeHtml(input));
    }

    [Theory]
    [InlineData("Fish & chips", "Fish &amp; chips")]
    [InlineData("<at>Alice</at>", "&lt;at&gt;Alice&lt;/at&gt;")]
    [InlineData("a < b > c", "a &lt; b &gt; c")]
    [InlineData("*markdown* \"quotes\" it's", "*markdown* \"quotes\" it's")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("bell\u0007", "bell")]
    [InlineData("línea ✓", "línea ✓")]
    public void EscapeHtml_EscapesAmpersandAndAngles(string input, string expected) =>
        Assert.Equal(expected, TeamsCards.EscapeHtml(input));
}
