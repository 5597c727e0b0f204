using System.Diagnostics;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

public class CommandParserTests
{
    // ---- empty input, unknown commands, keywords ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("\u00A0\u200B\u3000")]
    public void Parse_EmptyOrWhitespace_ReturnsHelpWithoutTopic(string? text)
    {
        var parsed = Parsed(text);

        Assert.Null(parsed.IncidentNumber);
        Assert.Equal(new HelpCommand(null), parsed.Command);
    }

    [Fact]
    public void Parse_UnknownCommand_FailsNamingItAndPointingToHelp_WithoutTheWholeList()
    {
        var failure = Failure("xyz something");

        Assert.Equal("Unknown command 'xyz'. /incident help lists the commands.", failure.Message);
        Assert.Equal(string.Empty, failure.Usage);
    }

    [Fact]
    public void Parse_UnknownCommandWithSlackSpecialMention_EchoCannotPing()
    {
        var failure = Failure("<!channel> hi");

        Assert.DoesNotContain("<!channel>", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("Unknown command", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownCommandThatIsHuge_EchoIsShortened()
    {
        var failure = Failure(new string('x', 50_000));

        Assert.True(failure.Message.Length < 100, failure.Message);
    }

    [Theory]
    [InlineData("NOTE hello")]
    [InlineData("Note hello")]
    [InlineData("nOtE hello")]
    public void Parse_CommandKeywords_AreCaseInsensitive(string text)
    {
        Assert.Equal(new NoteCommand("hello"), Command<NoteCommand>(text));
    }

    [Theory]
    [InlineData("note\thello", "hello")]
    [InlineData("   note     hello   ", "hello")]
    [InlineData("note\u00A0hello\u00A0", "hello")]
    [InlineData("\u200Bnote\u200Bhello\u200B", "hello")]
    [InlineData("\u2060note\uFEFFhello", "hello")]
    [InlineData("note\nhello", "hello")]
    [InlineData("\r\nnote\r\n\r\nhello\r\n", "hello")]
    [InlineData("\u3000note\u2003hello", "hello")]
    public void Parse_OddWhitespaceBetweenTokens_IsASeparator(string text, string expected)
    {
        Assert.Equal(expected, Command<NoteCommand>(text).Text);
    }

    [Fact]
    public void Parse_FreeText_KeepsInnerWhitespaceAsTyped()
    {
        var note = Command<NoteCommand>("note  line one\n\n  line two\twith  gaps\u00A0end \t");

        Assert.Equal("line one\n\n  line two\twith  gaps\u00A0end", note.Text);
    }

    [Fact]
    public void Parse_FreeTextWithCrLf_NormalisesToLf()
    {
        Assert.Equal("one\ntwo\n\nthree", Command<NoteCommand>("note one\r\ntwo\r\n\r\nthree").Text);
    }

    [Fact]
    public void Parse_ZeroWidthJoinerInsideText_IsKept()
    {
        const string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";

        Assert.Equal($"{family} paged", Command<NoteCommand>($"note {family} paged").Text);
    }

    [Fact]
    public void Parse_StatusWithNewlinesBetweenParts_ReadsStatusAndMessage()
    {
        var status = Command<StatusCommand>("status\nmonitoring\nfix rolled out\nwatching graphs");

        Assert.Equal(new StatusCommand(IncidentStatus.Monitoring, "fix rolled out\nwatching graphs"), status);
    }

    [Theory]
    [InlineData("declare x", "declare", false)]
    [InlineData("status identified", "status", true)]
    [InlineData("severity sev1", "severity", true)]
    [InlineData("role scribe me", "role", true)]
    [InlineData("roles", "roles", true)]
    [InlineData("update x", "update", true)]
    [InlineData("note x", "note", true)]
    [InlineData("action x", "action", true)]
    [InlineData("resolve", "resolve", true)]
    [InlineData("cancel x", "cancel", true)]
    [InlineData("duplicate 4", "duplicate", true)]
    [InlineData("reopen", "reopen", true)]
    [InlineData("impact-started 14:05", "impact-started", true)]
    [InlineData("list", "list", false)]
    [InlineData("timeline", "timeline", true)]
    [InlineData("review", "review", true)]
    [InlineData("review sessions", "review", false)]
    [InlineData("help", "help", false)]
    public void Parse_EachCommand_HasItsNameAndIncidentRequirement(string text, string name, bool requiresIncident)
    {
        var command = Parsed(text).Command;

        Assert.Equal(name, command.Name);
        Assert.Equal(requiresIncident, command.RequiresIncident);
        Assert.Contains(name, CommandHelp.CommandNames);
    }

    // ---- INC-n prefix ----

    [Theory]
    [InlineData("INC-42 status monitoring", "status")]
    [InlineData("inc-42 severity sev1", "severity")]
    [InlineData("Inc-42 role scribe me", "role")]
    [InlineData("INC-42 roles", "roles")]
    [InlineData("INC-42 update all good", "update")]
    [InlineData("INC-42 note checked logs", "note")]
    [InlineData("INC-42 action add alert", "action")]
    [InlineData("INC-42 resolve", "resolve")]
    [InlineData("INC-42 cancel false alarm", "cancel")]
    [InlineData("INC-42 duplicate INC-41", "duplicate")]
    [InlineData("INC-42 reopen", "reopen")]
    [InlineData("INC-42 impact-started 14:05", "impact-started")]
    [InlineData("INC-42 timeline", "timeline")]
    [InlineData("INC-42 review move 2026-12-01", "review")]
    [InlineData("INC-42 list", "list")]
    [InlineData("INC-42 help", "help")]
    [InlineData("INC-42: note with a colon", "note")]
    [InlineData("\tINC-42\u00A0\nnote spaced", "note")]
    public void Parse_IncidentPrefix_SetsIncidentNumber(string text, string command)
    {
        var parsed = Parsed(text);

        Assert.Equal(42, parsed.IncidentNumber);
        Assert.Equal(command, parsed.Command.Name);
    }

    [Fact]
    public void Parse_NoIncidentPrefix_LeavesIncidentNumberNull()
    {
        Assert.Null(Parsed("note hi").IncidentNumber);
    }

    [Fact]
    public void Parse_IncidentPrefixAtIntMax_IsAccepted()
    {
        Assert.Equal(int.MaxValue, Parsed("INC-2147483647 note hi").IncidentNumber);
    }

    [Fact]
    public void Parse_IncidentPrefix_DoesNotLeakIntoText()
    {
        Assert.Equal(new NoteCommand("INC-41 looked similar"), Parsed("INC-42 note INC-41 looked similar").Command);
    }

    [Theory]
    [InlineData("INC-0 note x")]
    [InlineData("INC- note x")]
    [InlineData("INC-abc note x")]
    [InlineData("INC-99999999999 note x")]
    [InlineData("INC-2147483648 note x")]
    [InlineData("INC--1 note x")]
    [InlineData("INC-+1 note x")]
    [InlineData("INC-4a2 note x")]
    [InlineData("INC-\u0664\u0662 note x")]
    public void Parse_InvalidIncidentPrefix_Fails(string text)
    {
        var failure = Failure(text);

        Assert.Contains("isn't an incident number", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IncidentPrefixWithoutCommand_FailsWithExample()
    {
        var failure = Failure("INC-42");

        Assert.Contains("/incident INC-42 note", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IncidentPrefixOnDeclare_Fails()
    {
        var failure = Failure("INC-42 declare SEV1 db down");

        Assert.Contains("new incident", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident declare", failure.Usage, StringComparison.Ordinal);
    }

    // ---- declare ----

    [Fact]
    public void Parse_DeclareWithSeverityAndTitle_SplitsThem()
    {
        Assert.Equal(new DeclareCommand("SEV1", "Checkout is down"), Command<DeclareCommand>("declare SEV1 Checkout is down"));
    }

    [Theory]
    [InlineData("sev2")]
    [InlineData("SEV2")]
    [InlineData("Sev2")]
    [InlineData("sEV2")]
    public void Parse_DeclareWithLowercaseSeverity_UsesConfiguredName(string severity)
    {
        Assert.Equal(new DeclareCommand("SEV2", "Login slow"), Command<DeclareCommand>($"declare {severity} Login slow"));
    }

    [Fact]
    public void Parse_DeclareWithoutSeverity_WholeTextIsTitle()
    {
        Assert.Equal(new DeclareCommand(null, "Checkout is down"), Command<DeclareCommand>("declare Checkout is down"));
    }

    [Theory]
    [InlineData("declare SEV5 disk full", "'SEV5' isn't a severity here. Severities: SEV1, SEV2, SEV3, SEV4.")]
    [InlineData("declare P1 disk full", "'P1' isn't a severity here. Did you mean SEV1? Severities: SEV1, SEV2, SEV3, SEV4.")]
    [InlineData("declare sev-2 disk full", "'sev-2' isn't a severity here. Did you mean SEV2? Severities: SEV1, SEV2, SEV3, SEV4.")]
    public void Parse_DeclareWithUnconfiguredSeverityWord_IsRefusedNotTakenIntoTheTitle(string text, string message)
    {
        Assert.Equal(message, Failure(text).Message);
    }

    [Theory]
    [InlineData("declare")]
    [InlineData("DECLARE")]
    [InlineData("declare \t\u00A0 \n")]
    public void Parse_DeclareWithNothingElse_ReturnsEmptyDeclareForTheForm(string text)
    {
        Assert.Equal(new DeclareCommand(null, ""), Command<DeclareCommand>(text));
    }

    [Theory]
    [InlineData("declare sev2")]
    [InlineData("declare SEV1 \t ")]
    public void Parse_DeclareSeverityWithoutTitle_Fails(string text)
    {
        var failure = Failure(text);

        Assert.Contains("title", failure.Message, StringComparison.Ordinal);
        Assert.Equal("/incident declare [severity] <title> — severities: SEV1, SEV2, SEV3, SEV4", failure.Usage);
    }

    [Theory]
    [InlineData("\U0001F525 checkout on fire \U0001F525")]
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467 family plan broken")]
    [InlineData("支付服务中断")]
    [InlineData("השירות לא זמין")]
    [InlineData("الخدمة متوقفة")]
    [InlineData("Cafe\u0301 menu 500s")]
    [InlineData("Z\u0351\u0358algo\u0300 text")]
    public void Parse_DeclareUnicodeTitle_PassesThroughIntact(string title)
    {
        Assert.Equal(new DeclareCommand("SEV3", title), Command<DeclareCommand>($"declare sev3 {title}"));
    }

    [Fact]
    public void Parse_DeclareTitleOf200Characters_IsAccepted()
    {
        var title = new string('t', 200);

        Assert.Equal(title, Command<DeclareCommand>($"declare SEV1 {title}").Title);
    }

    [Fact]
    public void Parse_DeclareTitleOf200Emoji_CountsCharactersNotUtf16Units()
    {
        var title = string.Concat(Enumerable.Repeat("\U0001F525", 200));

        Assert.Equal(title, Command<DeclareCommand>($"declare {title}").Title);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(50_000)]
    public void Parse_DeclareTitleOver200Characters_Fails(int length)
    {
        var failure = Failure($"declare SEV1 {new string('t', length)}");

        Assert.Equal("Title is too long (max 200 characters).", failure.Message);
        Assert.StartsWith("/incident declare", failure.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeclareTitleWithMentionsAndChannelLinks_KeepsThemAsPeopleReadThem()
    {
        Assert.Equal("@here @U1 broke #ops", Command<DeclareCommand>("declare <!here> <@U1> broke <#C1|ops>").Title);
    }

    // ---- status ----

    [Theory]
    [InlineData("investigating", IncidentStatus.Investigating)]
    [InlineData("identified", IncidentStatus.Identified)]
    [InlineData("monitoring", IncidentStatus.Monitoring)]
    [InlineData("mitigated", IncidentStatus.Monitoring)]
    [InlineData("resolved", IncidentStatus.Resolved)]
    [InlineData("IDENTIFIED", IncidentStatus.Identified)]
    [InlineData("Mitigated", IncidentStatus.Monitoring)]
    public void Parse_StatusWord_MapsToStatus(string word, IncidentStatus expected)
    {
        Assert.Equal(new StatusCommand(expected, null), Command<StatusCommand>($"status {word}"));
    }

    [Fact]
    public void Parse_StatusWithMessage_KeepsMessage()
    {
        Assert.Equal(
            new StatusCommand(IncidentStatus.Identified, "bad config push, rolling back"),
            Command<StatusCommand>("status identified bad config push, rolling back"));
    }

    [Fact]
    public void Parse_StatusResolvedWithMessage_IsAllowed()
    {
        Assert.Equal(new StatusCommand(IncidentStatus.Resolved, "all clear"), Command<StatusCommand>("status resolved all clear"));
    }

    [Theory]
    [InlineData("status fixed")]
    [InlineData("status cancelled")]
    [InlineData("status duplicate")]
    [InlineData("status closed now")]
    public void Parse_StatusUnknown_FailsListingValidOnes(string text)
    {
        var failure = Failure(text);

        Assert.StartsWith("Unknown status", failure.Message, StringComparison.Ordinal);
        foreach (var word in new[] { "investigating", "identified", "monitoring", "resolved" })
        {
            Assert.Contains(word, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_StatusCancelled_PointsToCancelCommand()
    {
        Assert.Contains("/incident cancel <reason>", Failure("status cancelled").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StatusAlone_FailsWithStatusUsage()
    {
        var failure = Failure("status");

        Assert.StartsWith("/incident status <status> [message]", failure.Usage, StringComparison.Ordinal);
        Assert.Contains("mitigated", failure.Usage, StringComparison.Ordinal);
    }

    // ---- severity ----

    [Theory]
    [InlineData("severity sev1", "SEV1")]
    [InlineData("severity SEV4", "SEV4")]
    [InlineData("SEVERITY Sev3", "SEV3")]
    public void Parse_Severity_UsesConfiguredName(string text, string expected)
    {
        Assert.Equal(new SeverityCommand(expected), Command<SeverityCommand>(text));
    }

    [Theory]
    [InlineData("severity sev9")]
    [InlineData("severity high")]
    public void Parse_SeverityUnknown_FailsListingConfiguredOnes(string text)
    {
        var failure = Failure(text);

        Assert.StartsWith($"'{text.Split(' ')[1]}' isn't a severity here.", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SEV1, SEV2, SEV3, SEV4", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeverityMissing_FailsWithUsage()
    {
        Assert.Equal("/incident severity <severity> — severities: SEV1, SEV2, SEV3, SEV4", Failure("severity").Usage);
    }

    [Fact]
    public void Parse_SeverityWithTrailingText_Fails()
    {
        Assert.StartsWith("/incident severity", Failure("severity sev2 because reasons").Usage, StringComparison.Ordinal);
    }

    // ---- role / roles ----

    [Theory]
    [InlineData("role commander me", "commander")]
    [InlineData("role COMMANDER me", "commander")]
    [InlineData("Role Scribe ME", "scribe")]
    [InlineData("role communications @me", "communications")]
    public void Parse_RoleForMe_UsesCanonicalRoleAndSelf(string text, string role)
    {
        Assert.Equal(new RoleCommand(role, new PersonTarget(null, null, true)), Command<RoleCommand>(text));
    }

    [Theory]
    [InlineData("role command me")]
    [InlineData("role boss me")]
    public void Parse_RoleUnknownOrAbbreviated_FailsListingRoles(string text)
    {
        var failure = Failure(text);

        Assert.StartsWith("Unknown role", failure.Message, StringComparison.Ordinal);
        Assert.Contains("commander (ic, lead), communications (comms), scribe", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("role")]
    [InlineData("role commander")]
    [InlineData("role commander \t ")]
    public void Parse_RoleMissingRoleOrPerson_FailsWithRoleUsage(string text)
    {
        Assert.Equal("/incident role <role> <person|me> — roles: commander (ic, lead), communications (comms), scribe", Failure(text).Usage);
    }

    [Theory]
    [InlineData("role commander me please")]
    [InlineData("role commander <@U024BE7LH> <@U999>")]
    [InlineData("role commander <@U024BE7LH> thanks")]
    public void Parse_RoleWithTextAfterThePerson_Fails(string text)
    {
        Assert.Contains("one person", Failure(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Roles_ReturnsRolesCommand()
    {
        Assert.Equal(new RolesCommand(), Command<RolesCommand>("roles"));
    }

    [Theory]
    [InlineData("roles please")]
    [InlineData("reopen because it came back")]
    [InlineData("list all")]
    [InlineData("timeline today")]
    public void Parse_NoArgumentCommandWithText_Fails(string text)
    {
        var failure = Failure(text);

        Assert.Contains("takes nothing after it", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident " + text.Split(' ')[0], failure.Usage, StringComparison.Ordinal);
    }

    // ---- update / note ----

    [Fact]
    public void Parse_Update_KeepsText()
    {
        Assert.Equal(new UpdateCommand("Checkout back for 90% of users."), Command<UpdateCommand>("update Checkout back for 90% of users."));
    }

    [Fact]
    public void Parse_Note_KeepsMentionsAsPeopleReadThem()
    {
        Assert.Equal(new NoteCommand("@U1 saw 502s from #edge"), Command<NoteCommand>("note <@U1> saw 502s from <#C2|edge>"));
    }

    [Theory]
    [InlineData("note", "note")]
    [InlineData("note   \n", "note")]
    [InlineData("update", "update")]
    [InlineData("cancel", "cancel")]
    [InlineData("action", "action")]
    [InlineData("impact-started", "impact-started")]
    [InlineData("duplicate", "duplicate")]
    public void Parse_MissingRequiredText_FailsWithThatCommandsUsage(string text, string command)
    {
        Assert.StartsWith($"/incident {command} ", Failure(text).Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoteOf4000Characters_IsAccepted()
    {
        var text = new string('n', 4000);

        Assert.Equal(text, Command<NoteCommand>($"note {text}").Text);
    }

    [Theory]
    [InlineData(4001)]
    [InlineData(50_000)]
    public void Parse_NoteOver4000Characters_Fails(int length)
    {
        var failure = Failure($"note {new string('n', length)}");

        Assert.Equal("Note is too long (max 4000 characters).", failure.Message);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("action")]
    [InlineData("resolve")]
    [InlineData("cancel")]
    [InlineData("status monitoring")]
    public void Parse_OtherFreeTextOver4000Characters_Fails(string command)
    {
        var failure = Failure($"{command} {new string('x', 4001)}");

        Assert.Contains("too long (max 4000 characters)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HundredThousandCharacterInputs_AreReadQuickly()
    {
        var words = string.Concat(Enumerable.Repeat("word\u00A0<@U1> ", 10_000));
        var inputs = new[] { $"INC-7 action {words}", $"declare sev1 {words}", $"impact-started {words}" }.Select(SlackContext.Read).ToList();
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < 20; i++)
        {
            Assert.All(inputs, input => Assert.IsType<ParseFailure>(CommandParser.Parse(input, Grammar)));
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    // ---- resolve / cancel / duplicate / reopen / list / timeline ----

    [Theory]
    [InlineData("resolve", null)]
    [InlineData("resolve   ", null)]
    [InlineData("resolve rolled back the deploy", "rolled back the deploy")]
    public void Parse_Resolve_HasOptionalSummary(string text, string? summary)
    {
        Assert.Equal(new ResolveCommand(summary), Command<ResolveCommand>(text));
    }

    [Fact]
    public void Parse_CancelWithReason_KeepsReason()
    {
        Assert.Equal(new CancelCommand("false alarm: synthetic check misfired"), Command<CancelCommand>("cancel false alarm: synthetic check misfired"));
    }

    [Fact]
    public void Parse_CancelWithoutReason_AsksForOne()
    {
        var failure = Failure("cancel");

        Assert.Contains("why", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("/incident cancel <reason>", failure.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duplicate INC-41")]
    [InlineData("duplicate inc-41")]
    [InlineData("duplicate 41")]
    [InlineData("duplicate #41")]
    [InlineData("DUPLICATE\tINC-041")]
    public void Parse_Duplicate_AcceptsIncidentReferenceForms(string text)
    {
        Assert.Equal(new DuplicateCommand(41), Command<DuplicateCommand>(text));
    }

    [Fact]
    public void Parse_DuplicateOfItself_IsLeftToTheHandler()
    {
        var parsed = Parsed("INC-42 duplicate INC-42");

        Assert.Equal(42, parsed.IncidentNumber);
        Assert.Equal(new DuplicateCommand(42), parsed.Command);
    }

    [Theory]
    [InlineData("duplicate INC-0")]
    [InlineData("duplicate 0")]
    [InlineData("duplicate #")]
    [InlineData("duplicate INC-")]
    [InlineData("duplicate abc")]
    [InlineData("duplicate INC-99999999999")]
    [InlineData("duplicate -5")]
    [InlineData("duplicate INC-41 same root cause")]
    public void Parse_DuplicateWithBadReference_Fails(string text)
    {
        Assert.StartsWith("/incident duplicate <INC-n>", Failure(text).Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Reopen_List_Timeline_ReturnTheirCommands()
    {
        Assert.Equal(new ReopenCommand(), Command<ReopenCommand>("reopen"));
        Assert.Equal(new ListCommand(), Command<ListCommand>("list"));
        Assert.Equal(new TimelineCommand(), Command<TimelineCommand>("Timeline"));
    }

    // ---- impact-started ----

    [Fact]
    public void Parse_ImpactStartedAgo_ReturnsAgoSpec()
    {
        Assert.Equal(new ImpactStartedCommand(new AgoTimeSpec(TimeSpan.FromHours(2))), Command<ImpactStartedCommand>("impact-started 2 hours ago"));
    }

    [Fact]
    public void Parse_ImpactStartedWithOddWhitespace_StillReadsTime()
    {
        Assert.Equal(
            new ImpactStartedCommand(new AgoTimeSpec(TimeSpan.FromMinutes(45))),
            Command<ImpactStartedCommand>("IMPACT-STARTED\t45m\u00A0ago\n"));
    }

    [Fact]
    public void Parse_ImpactStartedLocalTime_ReturnsLocalSpec()
    {
        Assert.Equal(new ImpactStartedCommand(new LocalTimeSpec(null, new TimeOnly(14, 5))), Command<ImpactStartedCommand>("impact-started 2:05pm"));
    }

    [Fact]
    public void Parse_ImpactStartedAbsolute_ReturnsAbsoluteSpec()
    {
        var command = Command<ImpactStartedCommand>("impact-started 2026-11-21 14:05 UTC");

        Assert.Equal(new AbsoluteTimeSpec(new DateTimeOffset(2026, 11, 21, 14, 5, 0, TimeSpan.Zero)), command.When);
    }

    [Theory]
    [InlineData("impact-started soon")]
    [InlineData("impact-started 14:05 when the deploy went out")]
    [InlineData("impact-started 25:00")]
    public void Parse_ImpactStartedUnreadableTime_FailsWithExamples(string text)
    {
        var failure = Failure(text);

        Assert.Contains("as a time", failure.Message, StringComparison.Ordinal);
        Assert.Contains("45m ago", failure.Usage, StringComparison.Ordinal);
    }

    // ---- help ----

    [Theory]
    [InlineData("help note", "note")]
    [InlineData("HELP Role", "role")]
    [InlineData("help IMPACT-STARTED", "impact-started")]
    [InlineData("help declare please", "declare")]
    public void Parse_HelpWithCommand_SetsCanonicalTopic(string text, string topic)
    {
        Assert.Equal(new HelpCommand(topic), Command<HelpCommand>(text));
    }

    [Fact]
    public void Parse_HelpAlone_HasNoTopic()
    {
        Assert.Equal(new HelpCommand(null), Command<HelpCommand>("help"));
    }

    [Fact]
    public void Parse_HelpWithUnknownTopic_Fails()
    {
        Assert.Equal("There's no command 'frobnicate'. /incident help lists the commands.", Failure("help frobnicate").Message);
    }

    // ---- usage uses the platform prefix ----

    [Theory]
    [InlineData("slack", "/incident note <text>")]
    [InlineData("teams", "@IncidentBot note <text>")]
    [InlineData("console", "note <text>")]
    public void Parse_FailureUsage_UsesThePlatformPrefix(string platform, string expectedStart)
    {
        Assert.StartsWith(expectedStart, Failure("note", For(platform)).Usage, StringComparison.Ordinal);
    }
}
