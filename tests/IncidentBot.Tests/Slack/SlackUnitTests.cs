using System.Text;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Blocks;
using IncidentBot.Slack.Inbound;
using IncidentBot.Slack.Outbound;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

public class SlackSignatureTests
{
    // Slack's published example ("Verifying requests from Slack", Slack API docs).
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly DateTimeOffset Then = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void PublishedExample_Verifies() =>
        Assert.Equal(SignatureCheck.Valid, SlackSignature.Verify(Secret, Timestamp, Signature, Encoding.UTF8.GetBytes(Body), Then.AddSeconds(30)));

    [Fact]
    public void PublishedExample_ComputesTheSameSignature() =>
        Assert.Equal(Signature, Encoding.ASCII.GetString(SlackSignature.Compute(Secret, Timestamp, Encoding.UTF8.GetBytes(Body))));

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-1)]
    public void OneByteChanged_DoesNotVerify(int position)
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        bytes[position < 0 ? bytes.Length + position : position] ^= 0x01;

        Assert.Equal(SignatureCheck.Mismatch, SlackSignature.Verify(Secret, Timestamp, Signature, bytes, Then));
    }

    [Theory]
    [InlineData(-301, SignatureCheck.Stale)]
    [InlineData(301, SignatureCheck.Stale)]
    [InlineData(-299, SignatureCheck.Valid)]
    [InlineData(299, SignatureCheck.Valid)]
    public void TimestampWindow_IsFiveMinutesEitherWay(int offsetSeconds, SignatureCheck expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, Timestamp, Signature, Encoding.UTF8.GetBytes(Body), Then.AddSeconds(offsetSeconds)));

    [Theory]
    [InlineData(null, Signature, SignatureCheck.Missing)]
    [InlineData(Timestamp, null, SignatureCheck.Missing)]
    [InlineData("15314x0618", Signature, SignatureCheck.Malformed)]
    [InlineData(Timestamp, "v0=00", SignatureCheck.Mismatch)]
    [InlineData(Timestamp, "V0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503", SignatureCheck.Mismatch)]
    public void MissingOrMalformedHeaders_AreRefused(string? timestamp, string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, timestamp, signature, Encoding.UTF8.GetBytes(Body), Then));
}

public class SlackChannelNameTests
{
    [Theory]
    [InlineData(42, "Checkout errors spike", 1, "inc-42-checkout-errors-spike")]
    [InlineData(42, "Checkout errors spike", 2, "inc-42-checkout-errors-spike-2")]
    [InlineData(7, "Zahlungsausfall für Ümlaute & Co.", 1, "inc-7-zahlungsausfall-fur-umlaute-co")]
    [InlineData(7, "日本語のみ", 1, "inc-7")]
    [InlineData(7, "  --API__v2 / 500s!!  ", 1, "inc-7-api-v2-500s")]
    public void Names_FollowSlacksRules(int number, string title, int attempt, string expected) =>
        Assert.Equal(expected, SlackChannelNames.For(number, title, attempt));

    [Fact]
    public void LongTitles_AreCutToEightyCharacters_KeepingTheSuffix()
    {
        var name = SlackChannelNames.For(12345, string.Join(' ', Enumerable.Repeat("database", 30)), 12);

        Assert.True(name.Length <= SlackChannelNames.MaxLength);
        Assert.StartsWith("inc-12345-database", name);
        Assert.EndsWith("-12", name);
        Assert.DoesNotContain("--", name);
    }
}

public class SlackTextTests
{
    [Theory]
    [InlineData("<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;")]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    public void Escape_NeutralisesMarkup(string input, string expected) => Assert.Equal(expected, SlackText.Escape(input));

    [Fact]
    public void Unescape_UndoesSlacksEscaping() => Assert.Equal("a < b & c > d", SlackText.Unescape("a &lt; b &amp; c &gt; d"));
}

public class SlackPostPacerTests
{
    [Fact]
    public void PostsToOneChannel_AreSpacedOneIntervalApart_OtherChannelsAreNotHeldUp()
    {
        var clock = TestTime.NewClock();
        var pacer = new SlackPostPacer(clock);
        var now = clock.GetUtcNow();

        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C1", now));
        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Reserve("C1", now));
        Assert.Equal(TimeSpan.FromSeconds(2), pacer.Reserve("C1", now));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C2", now));
        Assert.Equal(TimeSpan.FromSeconds(0.5), pacer.Reserve("C1", now.AddSeconds(2.5)));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C1", now.AddSeconds(10)));
    }
}
