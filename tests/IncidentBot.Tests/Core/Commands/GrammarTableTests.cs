using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using static IncidentBot.Tests.Core.Commands.CommandTestContexts;

namespace IncidentBot.Tests.Core.Commands;

/// <summary>
/// Lines as people type them at 3 a.m., and what the grammar makes of each: typos, aliases, near-severities, people by
/// name or mention, and titles that merely start like a severity. "✗ …" is a refusal whose message (as that surface shows
/// it) contains the rest; anything else is the command read. Names looked up in the people store read "name:…".
/// </summary>
public class GrammarTableTests
{
    private const string Default = "default";
    private const string Aliased = "aliases";

    public static TheoryData<string, string, string, string> Lines { get; } = new()
    {
        // near-severities are refused with what they most likely meant…
        { "slack", Default, "declare SEV-1 Something odd", "✗ 'SEV-1' isn't a severity here. Did you mean SEV1?" },
        { "console", Default, "declare p1 Something odd", "✗ 'p1' isn't a severity here. Did you mean SEV1?" },
        { "teams", Default, "declare sev9 Something odd", "✗ 'sev9' isn't a severity here. Severities: SEV1, SEV2, SEV3, SEV4." },
        { "slack", Default, "declare sev_2 db down", "✗ Did you mean SEV2?" },
        { "slack", Default, "declare Sev.3 db down", "✗ Did you mean SEV3?" },
        { "slack", Default, "declare sev db down", "✗ 'sev' isn't a severity here. Severities:" },
        { "slack", Default, "declare P0 everything down", "✗ 'P0' isn't a severity here. Severities:" },
        { "slack", Default, "declare sev12 x", "✗ 'sev12' isn't a severity here." },
        { "slack", Aliased, "declare crtical Checkout down", "✗ 'crtical' isn't a severity here. Did you mean SEV1?" },
        { "slack", Aliased, "declare majro Login slow", "✗ Did you mean SEV2?" },
        { "slack", Aliased, "declare P5 Login slow", "✗ Severities: SEV1 (P1, critical), SEV2 (P2, major), SEV3 (P3), SEV4 (P4)." },
        { "slack", Default, "severity P2", "✗ 'P2' isn't a severity here. Did you mean SEV2?" },
        { "slack", Default, "severity sev5", "✗ 'sev5' isn't a severity here." },
        { "slack", Default, "severity critical", "✗ 'critical' isn't a severity here." },

        // …real ones and aliases are read, with the punctuation people put after them…
        { "slack", Default, "declare SEV1: Checkout down", "declare SEV1 | Checkout down" },
        { "slack", Default, "declare sev2, Login slow", "declare SEV2 | Login slow" },
        { "teams", Default, "declare sev3 Search slow", "declare SEV3 | Search slow" },
        { "slack", Aliased, "declare P1 Checkout down", "declare SEV1 | Checkout down" },
        { "console", Aliased, "declare critical Checkout down", "declare SEV1 | Checkout down" },
        { "slack", Aliased, "severity p2", "severity SEV2" },

        // …and words that only start a title stay in the title.
        { "slack", Default, "declare S3 bucket outage", "declare - | S3 bucket outage" },
        { "slack", Default, "declare P2P sync broken", "declare - | P2P sync broken" },
        { "slack", Aliased, "declare P2P sync broken", "declare - | P2P sync broken" },
        { "console", Default, "declare Severe latency in checkout", "declare - | Severe latency in checkout" },
        { "slack", Default, "declare DEV1 cluster unreachable", "declare - | DEV1 cluster unreachable" },
        { "slack", Default, "declare seven nodes down", "declare - | seven nodes down" },
        { "slack", Default, "declare PG replica lag", "declare - | PG replica lag" },
        { "slack", Default, "declare p99 latency doubled", "declare - | p99 latency doubled" },
        { "slack", Default, "declare sev-ops pager misrouted", "declare - | sev-ops pager misrouted" },
        { "slack", Default, "declare Critical path builds failing", "declare - | Critical path builds failing" },
        { "slack", Default, "declare <@U1|dana> broke prod", "declare - | @dana broke prod" },

        // commands: a near miss gets "did you mean" and that command's usage line only
        { "slack", Default, "decalre sev1 db down", "✗ Unknown command 'decalre'. Did you mean declare?" },
        { "slack", Default, "stauts identified", "✗ Did you mean status?" },
        { "console", Default, "reslove fixed it", "✗ Did you mean resolve?" },
        { "slack", Default, "hlep", "✗ Did you mean help?" },
        { "teams", Default, "nte hello", "✗ Did you mean note?" },
        { "slack", Default, "INC-4 udpate all good", "✗ Did you mean update?" },
        { "slack", Default, "frobnicate", "✗ Unknown command 'frobnicate'. /incident help lists the commands." },
        { "slack", Default, "sev1 db down", "✗ Unknown command 'sev1'. To declare an incident: /incident declare <severity> <title>." },
        { "slack", Default, "42 note hi", "✗ Name an incident as INC-42, e.g. /incident INC-42 note …." },
        { "teams", Default, "help stauts", "✗ There's no command 'stauts'. Did you mean status?" },

        // statuses
        { "slack", Default, "status investigatng", "✗ Unknown status 'investigatng'. Did you mean investigating?" },
        { "slack", Default, "status identifed", "✗ Did you mean identified?" },
        { "slack", Default, "status cancelled", "✗ To close a false alarm use /incident cancel <reason>." },
        { "slack", Default, "status mitigated rolled back", "status monitoring | rolled back" },
        { "slack", Default, "INC-7 status investigating still digging", "status investigating | still digging" },

        // roles: aliases and near misses
        { "slack", Default, "role ic me", "role commander → me" },
        { "teams", Default, "role lead me", "role commander → me" },
        { "console", Default, "role comms @me", "role communications → me" },
        { "slack", Default, "role comander me", "✗ Unknown role 'comander'. Did you mean commander?" },
        { "slack", Default, "role scrib me", "✗ Did you mean scribe?" },
        { "slack", Default, "role comm me", "✗ Did you mean communications?" },
        { "slack", Default, "role <@U024BE7LH> commander", "✗ Put the role first, then the person" },

        // people: mentions each surface resolves, and plain names the handler looks up
        { "slack", Default, "role commander bob", "role commander → name:bob" },
        { "slack", Default, "role commander @bob", "role commander → name:bob" },
        { "teams", Default, "role scribe Alice Smith", "role scribe → name:Alice Smith" },
        { "console", Default, "role scribe bob", "role scribe → name:bob" },
        { "console", Default, "role scribe @bob", "role scribe → console:bob" },
        { "slack", Default, "role commander <@U024BE7LH|alice>", "role commander → slack:U024BE7LH" },
        { "teams", Default, "role commander <at>Alice Smith</at>", "role commander → teams:aad-alice" },
        { "teams", Default, "role commander <at>Dave</at>", "✗ I don't know who 'Dave' is." },
        { "slack", Default, "role commander <!here>", "✗ @channel, @here and groups can't be assigned." },
        { "slack", Default, "role commander me please", "✗ Name one person for commander" },
        { "slack", Default, "action fix the db @bob", "action fix the db → name:bob" },
        { "console", Default, "action fix the db @bob", "action fix the db → console:bob" },
        { "slack", Default, "action email ops@example.com", "action email ops@example.com → -" },
        { "slack", Default, "action fix the db <@U024BE7LH|alice>", "action fix the db → slack:U024BE7LH" },

        // follow-ups are changed by their number, not added with the subcommand as their text
        { "slack", Default, "action done 1", "action #1 done" },
        { "teams", Default, "action done #2", "action #2 done" },
        { "slack", Default, "action drop 3 replaced by the new runbook", "action #3 won't do | replaced by the new runbook" },
        { "slack", Default, "action drop 3", "✗ Say why it won't be done" },
        { "slack", Default, "action reopen 1", "action #1 reopen" },
        { "console", Default, "action due 2 2027-01-15", "action #2 due 2027-01-15" },
        { "slack", Default, "action due 2 none", "action #2 due -" },
        { "slack", Default, "action due 2 friday", "✗ 'friday' isn't a date" },
        { "slack", Default, "action link 2 <https://jira.example.com/browse/OPS-7>", "action #2 link https://jira.example.com/browse/OPS-7" },
        { "slack", Default, "action link 2 OPS-7", "✗ 'OPS-7' isn't a link" },
        { "slack", Default, "action done", "✗ Which follow-up?" },
        { "slack", Default, "action done with the old dashboards", "action done with the old dashboards → -" },
        { "slack", Default, "actions", "actions" },

        // free text keeps mentions readable on every surface
        { "slack", Default, "note paged <@U1|dana> about it", "note | paged @dana about it" },
        { "teams", Default, "note asked <at>Bob</at> to look", "note | asked @Bob to look" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void TypedLine_ReadsAsExpected(string surface, string configuration, string typed, string expected)
    {
        var grammar = configuration == Aliased ? GrammarWithSeverityAliases : Grammar;
        var result = Parse(typed, For(surface), grammar);

        if (expected.StartsWith("✗ ", StringComparison.Ordinal))
        {
            var refused = Assert.IsType<ParseFailure>(result);
            Assert.Contains(expected[2..], For(surface).Render(refused.Message), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected, Describe(Assert.IsType<ParsedCommand>(result).Command));
        }
    }

    [Fact]
    public void Table_HasAtLeastSixtyLines()
    {
        Assert.True(Lines.Count >= 60, $"{Lines.Count} lines");
    }

    [Fact]
    public void NearMiss_ShowsTheUsageOfTheCommandMeant_NotTheWholeList()
    {
        var failure = Failure("decalre sev1 db down");

        Assert.Equal("/incident declare [severity] <title> — severities: SEV1, SEV2, SEV3, SEV4", failure.Usage);
    }

    private static string Describe(ChatCommand command) => command switch
    {
        DeclareCommand d => $"declare {d.Severity ?? "-"} | {d.Title}",
        StatusCommand s => $"status {s.Status.ToWord()} | {s.Message}",
        SeverityCommand s => $"severity {s.Severity}",
        RoleCommand r => $"role {r.Role} → {Describe(r.Person)}",
        ActionCommand a => $"action {a.Text} → {(a.Owner is null ? "-" : Describe(a.Owner))}",
        NoteCommand n => $"note | {n.Text}",
        ActionItemCommand { Change: ActionItemChange.Done } c => $"action #{c.Item} done",
        ActionItemCommand { Change: ActionItemChange.WontDo } c => $"action #{c.Item} won't do | {c.Reason}",
        ActionItemCommand { Change: ActionItemChange.Reopen } c => $"action #{c.Item} reopen",
        ActionItemCommand { Change: ActionItemChange.Due } c => $"action #{c.Item} due {c.Due?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}",
        ActionItemCommand { Change: ActionItemChange.Link } c => $"action #{c.Item} link {c.Link}",
        _ => command.Name,
    };

    private static string Describe(PersonTarget person) =>
        person.IsSelf ? "me" : person.IsByName ? $"name:{person.DisplayName}" : person.PersonKey!;
}
