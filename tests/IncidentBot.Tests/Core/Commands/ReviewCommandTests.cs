using IncidentBot.Core.Commands;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

public class ReviewCommandTests
{
    private static readonly string[] Subcommands =
        ["schedule", "move", "skip", "unbook", "extend", "doc", "write", "notetaker", "presenter", "sessions", "present", "note", "decision"];

    // ---- review alone and the subcommands without arguments ----

    [Theory]
    [InlineData("review")]
    [InlineData("REVIEW")]
    [InlineData("review \t\u00A0\n")]
    public void Parse_ReviewAlone_ShowsTheBooking(string text)
    {
        var review = Command<ReviewCommand>(text);

        Assert.Equal(new ReviewCommand(ReviewAction.Show, null, null), review);
        Assert.False(review.Next);
    }

    [Theory]
    [InlineData("review schedule", ReviewAction.Schedule)]
    [InlineData("review skip", ReviewAction.Skip)]
    [InlineData("review unbook", ReviewAction.Unbook)]
    [InlineData("review extend", ReviewAction.Extend)]
    [InlineData("review doc", ReviewAction.Doc)]
    [InlineData("review sessions", ReviewAction.Sessions)]
    [InlineData("Review SCHEDULE", ReviewAction.Schedule)]
    [InlineData("review\tUnbook\n", ReviewAction.Unbook)]
    [InlineData("\u200Breview\u00A0doc\u200B", ReviewAction.Doc)]
    public void Parse_ReviewSubcommandWithoutArguments_ReturnsItsAction(string text, ReviewAction action)
    {
        Assert.Equal(new ReviewCommand(action, null, null), Command<ReviewCommand>(text));
    }

    [Theory]
    [InlineData(ReviewAction.Show, true)]
    [InlineData(ReviewAction.Schedule, true)]
    [InlineData(ReviewAction.Move, true)]
    [InlineData(ReviewAction.Skip, true)]
    [InlineData(ReviewAction.Unbook, true)]
    [InlineData(ReviewAction.Extend, true)]
    [InlineData(ReviewAction.Doc, true)]
    [InlineData(ReviewAction.Notetaker, true)]
    [InlineData(ReviewAction.Presenter, true)]
    [InlineData(ReviewAction.Sessions, false)]
    public void ReviewCommand_RequiresAnIncidentForEveryActionButSessions(ReviewAction action, bool requiresIncident)
    {
        var command = new ReviewCommand(action, null, null);

        Assert.Equal(requiresIncident, command.RequiresIncident);
        Assert.Equal("review", command.Name);
    }

    [Fact]
    public void Parse_ReviewSessions_NeedsNoIncident()
    {
        var parsed = Parsed("review sessions");

        Assert.Null(parsed.IncidentNumber);
        Assert.False(parsed.Command.RequiresIncident);
    }

    [Theory]
    [InlineData("INC-42 review", ReviewAction.Show)]
    [InlineData("inc-42 review schedule", ReviewAction.Schedule)]
    [InlineData("INC-42: review skip", ReviewAction.Skip)]
    [InlineData("INC-42 review sessions", ReviewAction.Sessions)]
    public void Parse_ReviewWithIncidentPrefix_KeepsTheNumber(string text, ReviewAction action)
    {
        var parsed = Parsed(text);

        Assert.Equal(42, parsed.IncidentNumber);
        Assert.Equal(new ReviewCommand(action, null, null), parsed.Command);
    }

    [Theory]
    [InlineData("review schedule now", "schedule")]
    [InlineData("review skip this week", "skip")]
    [InlineData("review unbook INC-41", "unbook")]
    [InlineData("review extend 30m", "extend")]
    [InlineData("review doc again", "doc")]
    [InlineData("review sessions next week", "sessions")]
    [InlineData("review SKIP it", "skip")]
    public void Parse_ReviewSubcommandWithExtraWords_Fails(string text, string subcommand)
    {
        var failure = Failure(text);

        Assert.Equal($"/incident review {subcommand} takes nothing after it.", failure.Message);
        Assert.StartsWith("/incident review", failure.Usage, StringComparison.Ordinal);
    }

    // ---- move ----

    [Fact]
    public void Parse_ReviewMoveWithIsoDate_NamedIncident_ReadsTheDate()
    {
        var parsed = Parsed("INC-42 review move 2026-12-01");

        Assert.Equal(42, parsed.IncidentNumber);
        var review = Assert.IsType<ReviewCommand>(parsed.Command);
        Assert.Equal(new ReviewCommand(ReviewAction.Move, new DateOnly(2026, 12, 1), null), review);
        Assert.False(review.Next);
        Assert.True(review.RequiresIncident);
    }

    [Theory]
    [InlineData("review move 2027-02-28", 2027, 2, 28)]
    [InlineData("review move 2028-02-29", 2028, 2, 29)]
    [InlineData("REVIEW MOVE 2026-01-05", 2026, 1, 5)]
    [InlineData("review\tmove\u00A02026-12-31\n", 2026, 12, 31)]
    public void Parse_ReviewMove_AcceptsIsoDates(string text, int year, int month, int day)
    {
        Assert.Equal(new ReviewCommand(ReviewAction.Move, new DateOnly(year, month, day), null), Command<ReviewCommand>(text));
    }

    [Theory]
    [InlineData("review move next")]
    [InlineData("review move NEXT")]
    [InlineData("INC-7 review move Next ")]
    public void Parse_ReviewMoveNext_HasNoDateAndNext(string text)
    {
        var review = Command<ReviewCommand>(text);

        Assert.Equal(new ReviewCommand(ReviewAction.Move, null, null) { Next = true }, review);
        Assert.True(review.Next);
        Assert.Null(review.Date);
    }

    [Fact]
    public void ReviewCommand_NextTakesPartInEquality()
    {
        Assert.NotEqual(new ReviewCommand(ReviewAction.Move, null, null), new ReviewCommand(ReviewAction.Move, null, null) { Next = true });
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("2027-02-29")]
    [InlineData("2026-00-10")]
    [InlineData("2026-12-00")]
    [InlineData("tomorrow")]
    [InlineData("tuesday")]
    [InlineData("12-01")]
    [InlineData("2026-1-01")]
    [InlineData("2026-12-1")]
    [InlineData("26-12-01")]
    [InlineData("2026/12/01")]
    [InlineData("20261201")]
    [InlineData("01-12-2026")]
    [InlineData("2026-12-01T10:00")]
    [InlineData("+2026-12-01")]
    [InlineData("0000-01-01")]
    [InlineData("\u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0661")]
    [InlineData("\uFF12\uFF10\uFF12\uFF16-\uFF11\uFF12-\uFF10\uFF11")]
    [InlineData("nextweek")]
    [InlineData("02026-12-01")]
    [InlineData("2026-012-01")]
    [InlineData("2026-12-001")]
    [InlineData("2026-12-01Z")]
    [InlineData("2026-12-01,")]
    [InlineData("2026.12.01")]
    [InlineData("2026-12-01-")]
    [InlineData("-2026-12-01")]
    public void Parse_ReviewMoveWithBadDate_FailsWithReviewUsage(string date)
    {
        var failure = Failure($"review move {date}");

        Assert.StartsWith("I can't read '", failure.Message, StringComparison.Ordinal);
        Assert.Contains("as a date", failure.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-mm-dd", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident review", failure.Usage, StringComparison.Ordinal);
        Assert.Contains("/incident review move <yyyy-mm-dd|next>", failure.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReviewMoveWithBadDate_EchoesItSafely()
    {
        var failure = Failure("review move <!channel>");

        Assert.DoesNotContain("<!channel>", failure.Message, StringComparison.Ordinal);
        Assert.Contains("as a date", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("review move")]
    [InlineData("review move \t\u00A0\n")]
    [InlineData("INC-42 review move")]
    public void Parse_ReviewMoveWithoutDate_FailsAskingForOne(string text)
    {
        var failure = Failure(text);

        Assert.StartsWith("Move it to which session?", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/incident review move <yyyy-mm-dd|next>", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("review move 2026-12-01 please")]
    [InlineData("review move next week")]
    [InlineData("review move 2026-12-01 2026-12-08")]
    public void Parse_ReviewMoveWithWordsAfterTheDate_Fails(string text)
    {
        var failure = Failure(text);

        Assert.Equal("Give just the date or next, nothing after it.", failure.Message);
        Assert.StartsWith("/incident review", failure.Usage, StringComparison.Ordinal);
    }

    // ---- unknown subcommand ----

    [Theory]
    [InlineData("review frobnicate", "frobnicate")]
    [InlineData("review show", "show")]
    [InlineData("review book it", "book")]
    [InlineData("review 2026-12-01", "2026-12-01")]
    [InlineData("review <@U024BE7LH>", "@U024BE7LH")]
    public void Parse_ReviewUnknownSubcommand_FailsListingTheSubcommands(string text, string echoed)
    {
        var failure = Failure(text);

        Assert.StartsWith($"Unknown review subcommand '{echoed}'. Use one of: ", failure.Message, StringComparison.Ordinal);
        foreach (var subcommand in Subcommands)
        {
            Assert.Contains(subcommand, failure.Message, StringComparison.Ordinal);
            Assert.Contains($"/incident review {subcommand}", failure.Usage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ReviewUnknownSubcommand_ListsExactlyTheSubcommandsInOrder()
    {
        Assert.EndsWith($"Use one of: {string.Join(", ", Subcommands)}.", Failure("review nope").Message, StringComparison.Ordinal);
    }

    // ---- write ----

    [Fact]
    public void Parse_ReviewWrite_TakesTheSectionAndTheRestAsText()
    {
        var command = Assert.IsType<ReviewCommand>(Parsed("review write contributing-factors The retry storm, and | pipes").Command);
        Assert.Equal(ReviewAction.Write, command.Action);
        Assert.Equal("contributing-factors", command.Section);
        Assert.Equal("The retry storm, and | pipes", command.Text);
    }

    [Theory]
    [InlineData("review write")]
    [InlineData("review write impact")]
    public void Parse_ReviewWrite_WithoutSectionOrText_SaysHow(string text)
    {
        Assert.StartsWith("Write what, where? `review write <section> <text>`", Failure(text).Message, StringComparison.Ordinal);
    }

    // ---- notetaker / presenter ----

    public static TheoryData<string, string, string?, string?> PersonCases { get; } = new()
    {
        { "slack", "<@U024BE7LH>", "slack:U024BE7LH", null },
        { "slack", "<@U024BE7LH|alice>", "slack:U024BE7LH", "alice" },
        { "slack", "<@W0123ABCD|bob>", "slack:W0123ABCD", "bob" },
        { "teams", "<at>Alice Smith</at>", "teams:aad-alice", "Alice Smith" },
        { "teams", "<at>bob</at>", "teams:aad-bob", "Bob" },
        { "teams", "<at>Carol Jones</at>", "teams:aad-carol", "Carol Jones" },
        { "console", "@alice", "console:alice", "alice" },
        { "console", "@José", "console:José", "José" },
    };

    [Theory]
    [MemberData(nameof(PersonCases))]
    public void Parse_ReviewNotetakerWithMention_ResolvesThePerson(string platform, string mention, string? key, string? name)
    {
        Assert.Equal(
            new ReviewCommand(ReviewAction.Notetaker, null, new PersonTarget(key, name, false)),
            Command<ReviewCommand>($"review notetaker {mention}", For(platform)));
    }

    [Theory]
    [MemberData(nameof(PersonCases))]
    public void Parse_ReviewPresenterWithMention_ResolvesThePerson(string platform, string mention, string? key, string? name)
    {
        Assert.Equal(
            new ReviewCommand(ReviewAction.Presenter, null, new PersonTarget(key, name, false)),
            Command<ReviewCommand>($"INC-42 review presenter {mention}", For(platform)));
    }

    [Theory]
    [InlineData("slack", "notetaker", "me", ReviewAction.Notetaker)]
    [InlineData("teams", "notetaker", "ME", ReviewAction.Notetaker)]
    [InlineData("console", "notetaker", "@me", ReviewAction.Notetaker)]
    [InlineData("slack", "presenter", "@me", ReviewAction.Presenter)]
    [InlineData("teams", "PRESENTER", "@Me", ReviewAction.Presenter)]
    [InlineData("console", "presenter", "me", ReviewAction.Presenter)]
    public void Parse_ReviewNotetakerOrPresenterMe_IsSelf(string platform, string subcommand, string me, ReviewAction action)
    {
        Assert.Equal(new ReviewCommand(action, null, PersonTarget.Self), Command<ReviewCommand>($"review {subcommand} {me}", For(platform)));
    }

    [Theory]
    [InlineData("notetaker")]
    [InlineData("presenter")]
    public void Parse_ReviewPersonMissing_FailsAskingWho(string subcommand)
    {
        var failure = Failure($"review {subcommand} \t");

        Assert.Equal($"Who should be the {subcommand}? Name them, or say me.", failure.Message);
        Assert.Contains($"/incident review {subcommand} <person|me>", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack", "notetaker")]
    [InlineData("teams", "presenter")]
    [InlineData("console", "notetaker")]
    public void Parse_ReviewPersonAsPlainName_IsANameToLookUp(string platform, string subcommand)
    {
        Assert.Equal(PersonTarget.Named("alice"), Command<ReviewCommand>($"review {subcommand} alice", For(platform)).Person);
    }

    [Theory]
    [InlineData("slack", "review notetaker <@U024BE7LH> thanks")]
    [InlineData("slack", "review presenter me please")]
    [InlineData("slack", "review presenter <@U024BE7LH> <@U999>")]
    [InlineData("teams", "review notetaker <at>Alice Smith</at> <at>Bob</at>")]
    [InlineData("console", "review presenter @alice @bob")]
    public void Parse_ReviewPersonWithWordsAfter_FailsAskingForOnePerson(string platform, string text)
    {
        var failure = Failure(text, For(platform));

        Assert.Contains("Name one person as ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("review presenter <person|me>", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!here>")]
    [InlineData("<!channel>")]
    [InlineData("<#C0123|incidents>")]
    [InlineData("<@C0123>")]
    public void Parse_SlackReviewPersonNotAPerson_FailsPointingToMentionList(string mention)
    {
        var failure = Failure($"review notetaker {mention}", SlackContext);

        Assert.Contains("Slack's @-mention list", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident review", failure.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TeamsReviewPresenterUnknownMention_Fails()
    {
        var failure = Failure("review presenter <at>Dave Unknown</at>", TeamsContext);

        Assert.Contains("Dave Unknown", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Teams' @-mention list", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("@IncidentBot review", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@")]
    [InlineData("me please")]
    public void Parse_ConsoleReviewPersonInvalid_Fails(string mention)
    {
        Assert.IsType<ParseFailure>(Parse($"review presenter {mention}", ConsoleContext));
    }

    // ---- help ----

    [Fact]
    public void Parse_HelpReview_HasReviewTopic()
    {
        Assert.Equal(new HelpCommand("review"), Command<HelpCommand>("help REVIEW"));
    }

    [Theory]
    [InlineData("slack", "/incident review [subcommand] — ")]
    [InlineData("teams", "@IncidentBot review [subcommand] — ")]
    [InlineData("console", "review [subcommand] — ")]
    public void Overview_HasOneReviewLineWithPrefix(string platform, string lineStart)
    {
        var lines = For(platform).Render(CommandHelp.Overview(Grammar)).Split('\n');

        Assert.Single(lines, line => line.StartsWith(lineStart, StringComparison.Ordinal));
        Assert.Single(lines, line => line.Contains(" review", StringComparison.Ordinal) || line.StartsWith("review", StringComparison.Ordinal));
    }

    [Fact]
    public void Overview_OnTeams_LinesStayShortForPhones()
    {
        Assert.All(TeamsContext.Render(CommandHelp.Overview(Grammar)).Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void Usage_Review_ListsEverySubcommandWithThePrefix()
    {
        Assert.Equal(
            string.Join('\n',
                "/incident review — show the incident's review booking",
                "/incident review schedule — book it, even below the usual severity",
                "/incident review move <yyyy-mm-dd|next> — move it to another session",
                "/incident review skip — skip its session (facilitators)",
                "/incident review unbook — take it off the agenda",
                "/incident review extend — give its session one more slot",
                "/incident review doc — regenerate the review doc and link it",
                "/incident review write <section> <text> — add to a section of the review doc",
                "/incident review notetaker <person|me> — choose the notetaker",
                "/incident review presenter <person|me> — choose the presenter",
                "/incident review sessions — list upcoming sessions and agendas",
                "/incident review present — confirm you present it",
                "/incident review note <text> — record a note of the review meeting",
                "/incident review decision <text> — record a decision of the review meeting"),
            SlackContext.Render(CommandHelp.Usage("review", Grammar)));
    }

    [Theory]
    [InlineData("slack", "/incident review")]
    [InlineData("teams", "@IncidentBot review")]
    [InlineData("console", "review")]
    public void Usage_Review_EveryLineStartsWithThePrefixAndStaysShort(string platform, string start)
    {
        var lines = For(platform).Render(CommandHelp.Usage("Review", Grammar)).Split('\n');

        Assert.Equal(Subcommands.Length + 1, lines.Length);
        Assert.All(lines, line =>
        {
            Assert.StartsWith(start, line, StringComparison.Ordinal);
            Assert.True(line.Length <= 80, line);
        });
    }

    [Fact]
    public void HowToNameIncident_ForReview_ShowsNamedExample()
    {
        Assert.Equal(
            "Run this in the incident's channel or on its page, or name the incident first: /incident INC-42 review …",
            SlackContext.Render(CommandHelp.HowToNameIncident("review")));
    }
}
