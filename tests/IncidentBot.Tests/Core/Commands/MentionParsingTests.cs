using IncidentBot.Core.Commands;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

public class MentionParsingTests
{
    // ---- "me" on every platform ----

    [Theory]
    [InlineData("slack", "me")]
    [InlineData("teams", "ME")]
    [InlineData("console", "Me")]
    [InlineData("slack", "@me")]
    [InlineData("console", "@ME")]
    public void Parse_RoleForMe_IsSelfOnEveryPlatform(string platform, string me)
    {
        var role = Command<RoleCommand>($"role scribe {me}", For(platform));

        Assert.Equal(new PersonTarget(null, null, true), role.Person);
    }

    // ---- SlackContext ----

    [Theory]
    [InlineData("<@U024BE7LH>", "slack:U024BE7LH", null)]
    [InlineData("<@U024BE7LH|alice>", "slack:U024BE7LH", "alice")]
    [InlineData("<@W0123ABCD|bob>", "slack:W0123ABCD", "bob")]
    [InlineData("<@W0123ABCD>", "slack:W0123ABCD", null)]
    [InlineData("<@U024BE7LH|>", "slack:U024BE7LH", null)]
    public void Parse_SlackMention_ResolvesUserId(string mention, string key, string? name)
    {
        var role = Command<RoleCommand>($"role commander {mention}", SlackContext);

        Assert.Equal(new RoleCommand("commander", new PersonTarget(key, name, false)), role);
    }

    [Theory]
    [InlineData("<!channel>")]
    [InlineData("<!here>")]
    [InlineData("<!everyone>")]
    [InlineData("<!subteam^S0123|@oncall>")]
    [InlineData("<#C0123|incidents>")]
    [InlineData("<@C0123>")]
    [InlineData("<@u024be7lh>")]
    [InlineData("<@>")]
    public void Parse_SlackRoleForNonPerson_Fails(string mention)
    {
        var failure = Failure($"role commander {mention}", SlackContext);

        Assert.Contains("Slack's @-mention list", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident role", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack", "alice", "alice")]
    [InlineData("teams", "alice", "alice")]
    [InlineData("console", "alice", "alice")]
    [InlineData("slack", "@alice", "alice")]
    [InlineData("teams", "@alice", "alice")]
    [InlineData("slack", "Alice Smith", "Alice Smith")]
    public void Parse_RoleForPlainName_IsANameToLookUp(string platform, string typed, string name)
    {
        Assert.Equal(PersonTarget.Named(name), Command<RoleCommand>($"role scribe {typed}", For(platform)).Person);
    }

    // ---- TeamsContext ----

    [Fact]
    public void Parse_TeamsMultiWordMention_ResolvesThroughDictionary()
    {
        var role = Command<RoleCommand>("role commander <at>Alice Smith</at>", TeamsContext);

        Assert.Equal(new PersonTarget("teams:aad-alice", "Alice Smith", false), role.Person);
    }

    [Theory]
    [InlineData("<at>alice smith</at>", "teams:aad-alice")]
    [InlineData("<AT>Bob</AT>", "teams:aad-bob")]
    [InlineData("<at>Carol Jones</at>", "teams:aad-carol")]
    [InlineData("<at> carol jones </at>", "teams:aad-carol")]
    public void Parse_TeamsMentionNotExactlyInDictionary_FallsBackToInnerNameIgnoringCase(string mention, string key)
    {
        Assert.Equal(key, Command<RoleCommand>($"role scribe {mention}", TeamsContext).Person.PersonKey);
    }

    [Fact]
    public void Parse_TeamsUnknownMention_Fails()
    {
        var failure = Failure("role commander <at>Dave Unknown</at>", TeamsContext);

        Assert.Contains("Dave Unknown", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Teams' @-mention list", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("@IncidentBot role", failure.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TeamsMentionWithoutEntities_Fails()
    {
        var context = TeamsWith(new Dictionary<string, PersonMention>());

        Assert.Contains("Teams' @-mention list", Failure("role commander <at>Alice Smith</at>", context).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TeamsNameSharedByTwoPeople_IsNotGuessed()
    {
        var context = TeamsWith(new Dictionary<string, PersonMention>
        {
            ["Alex"] = new("teams:aad-alex-1", "Alex"),
            ["alex"] = new("teams:aad-alex-2", "Alex"),
        });

        Assert.IsType<ParseFailure>(Parse("role commander <at>ALEX</at>", context));
    }

    [Fact]
    public void Parse_TeamsExactMentionText_WinsOverNameFallback()
    {
        var context = TeamsWith(new Dictionary<string, PersonMention>
        {
            ["<at>Alex</at>"] = new("teams:aad-alex-1", "Alex"),
            ["alex"] = new("teams:aad-alex-2", "Alex"),
        });

        Assert.Equal("teams:aad-alex-1", Command<RoleCommand>("role commander <at>Alex</at>", context).Person.PersonKey);
    }

    [Fact]
    public void Parse_TeamsMentionWithTextAfter_Fails()
    {
        Assert.Contains("one person", Failure("role scribe <at>Alice Smith</at> thanks", TeamsContext).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SlackStyleMentionInTeams_IsNotAPerson()
    {
        Assert.IsType<ParseFailure>(Parse("role scribe <@U024BE7LH>", TeamsContext));
    }

    // ---- console ----

    [Theory]
    [InlineData("@alice", "alice")]
    [InlineData("@alice.smith", "alice.smith")]
    [InlineData("@bob_o-k2", "bob_o-k2")]
    [InlineData("@José", "José")]
    [InlineData("@björn", "björn")]
    [InlineData("@渡辺", "渡辺")]
    [InlineData("@alice.", "alice")]
    public void Parse_ConsoleAtName_ResolvesToConsoleKey(string mention, string name)
    {
        var role = Command<RoleCommand>($"role scribe {mention}", ConsoleContext);

        Assert.Equal(new PersonTarget("console:" + name, name, false), role.Person);
    }

    [Theory]
    [InlineData("@")]
    [InlineData("@...")]
    [InlineData("<@U024BE7LH>")]
    public void Parse_ConsoleNoName_Fails(string mention)
    {
        Assert.IsType<ParseFailure>(Parse($"role scribe {mention}", ConsoleContext));
    }

    [Theory]
    [InlineData("@al!ce", "al!ce")]
    [InlineData("al!ce", "al!ce")]
    public void Parse_ConsoleWordThatIsNoConsoleName_IsLookedUpAsTyped(string mention, string name)
    {
        Assert.Equal(PersonTarget.Named(name), Command<RoleCommand>($"role scribe {mention}", ConsoleContext).Person);
    }

    // ---- action owner ----

    [Theory]
    [InlineData("action restart the db <@U024BE7LH|alice>", "restart the db", "slack:U024BE7LH", "alice")]
    [InlineData("action add a disk alert <@W0123ABCD>", "add a disk alert", "slack:W0123ABCD", null)]
    [InlineData("action pair with <@U1> on the fix <@U2|bo>", "pair with @U1 on the fix", "slack:U2", "bo")]
    [InlineData("action restart the db\n<@U024BE7LH>\n", "restart the db", "slack:U024BE7LH", null)]
    public void Parse_SlackActionWithMentionLast_TakesOwnerAndRemovesIt(string text, string actionText, string key, string? name)
    {
        Assert.Equal(new ActionCommand(actionText, new PersonTarget(key, name, false)), Command<ActionCommand>(text, SlackContext));
    }

    [Theory]
    [InlineData("action ask <@U024BE7LH> about the db")]
    [InlineData("action <@U024BE7LH> to check the db")]
    public void Parse_ActionWithMentionNotLast_KeepsItInTextWithoutOwner(string text)
    {
        var action = Command<ActionCommand>(text, SlackContext);

        Assert.Null(action.Owner);
        Assert.Equal(text["action ".Length..].Replace("<@U024BE7LH>", "@U024BE7LH", StringComparison.Ordinal), action.Text);
    }

    [Fact]
    public void Parse_TeamsActionWithMultiWordMentionLast_TakesOwner()
    {
        var action = Command<ActionCommand>("action ask <at>Bob</at> for the runbook <at>Alice Smith</at>", TeamsContext);

        Assert.Equal(new ActionCommand("ask @Bob for the runbook", new PersonTarget("teams:aad-alice", "Alice Smith", false)), action);
    }

    [Fact]
    public void Parse_TeamsActionWithMentionInMiddle_HasNoOwner()
    {
        var action = Command<ActionCommand>("action ask <at>Alice Smith</at> for the runbook", TeamsContext);

        Assert.Equal(new ActionCommand("ask @Alice Smith for the runbook", null), action);
    }

    [Fact]
    public void Parse_TeamsActionWithUnknownMentionLast_Fails()
    {
        Assert.IsType<ParseFailure>(Parse("action write the review <at>Nobody</at>", TeamsContext));
    }

    [Fact]
    public void Parse_ConsoleActionWithAtNameLast_TakesOwner()
    {
        Assert.Equal(
            new ActionCommand("rotate the keys", new PersonTarget("console:alice", "alice", false)),
            Command<ActionCommand>("action rotate the keys @alice", ConsoleContext));
    }

    [Theory]
    [InlineData("slack")]
    [InlineData("teams")]
    [InlineData("console")]
    public void Parse_ActionWithAtMeLast_OwnerIsSelf(string platform)
    {
        Assert.Equal(new ActionCommand("write the review", new PersonTarget(null, null, true)), Command<ActionCommand>("action write the review @me", For(platform)));
    }

    [Theory]
    [InlineData("action call me", "call me")]
    [InlineData("action email ops@example.com", "email ops@example.com")]
    [InlineData("action post in <#C0123|status-page>", "post in #status-page")]
    [InlineData("action fix <@U1> @ 5pm", "fix @U1 @ 5pm")]
    public void Parse_ActionEndingInNonMention_KeepsWholeTextAndNoOwner(string text, string actionText)
    {
        Assert.Equal(new ActionCommand(actionText, null), Command<ActionCommand>(text, SlackContext));
    }

    [Theory]
    [InlineData("action tell everyone <!channel>")]
    [InlineData("action tell everyone <!here>")]
    public void Parse_SlackActionEndingInUnusableMention_Fails(string text)
    {
        Assert.Contains("Slack's @-mention list", Failure(text, SlackContext).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack")]
    [InlineData("teams")]
    public void Parse_ActionEndingInPlainAtName_OwnerIsANameToLookUp(string platform)
    {
        Assert.Equal(new ActionCommand("follow up", PersonTarget.Named("alice")), Command<ActionCommand>("action follow up @alice", For(platform)));
    }

    [Theory]
    [InlineData("slack", "action <@U024BE7LH>")]
    [InlineData("teams", "action <at>Alice Smith</at>")]
    [InlineData("console", "action @alice")]
    public void Parse_ActionWithOnlyAnOwner_FailsForMissingText(string platform, string text)
    {
        var failure = Failure(text, For(platform));

        Assert.Contains("What needs doing", failure.Message, StringComparison.Ordinal);
        Assert.Contains("action <text> [@owner]", failure.Usage, StringComparison.Ordinal);
    }
}
