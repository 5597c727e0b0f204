using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Reviews.Docs;
using static IncidentBot.Tests.Core.Reviews.Docs.ReviewDocTestData;

namespace IncidentBot.Tests.Core.Reviews.Docs;

public class ReviewDocGeneratorTests
{
    [Fact]
    public void DefaultTemplate_RealisticIncident_HasTheKeyLines()
    {
        var result = ReviewDocGenerator.Generate(Context());
        var lines = Lines(result.Markdown);

        Assert.Empty(result.TemplateErrors);
        Assert.False(result.FellBackToDefault);
        Assert.Equal("# INC-42 review: Checkout payments failing", lines[0]);
        Assert.Contains("_All times are Europe/Berlin. Generated 2026-03-30 10:00._", lines);
        Assert.Contains("- **Severity:** SEV1 (highest: SEV1)", lines);
        Assert.Contains("- **Status:** resolved", lines);
        Assert.Contains("- **Service:** payments · **Declared by:** Alice", lines);
        Assert.Contains($"- **Links:** [{Url}]({Url}) · slack inc-42-checkout · teams 19:abc@thread.tacv2", lines);
        Assert.Contains("Config rolled back; payments recovered.", lines);
        Assert.Contains("Customers cannot pay at checkout.", lines);
        Assert.Contains("- **commander:** Carol since 2026-03-29 03:30", lines);
        Assert.Contains("- **scribe:** Bob since 2026-03-29 01:43", lines);
        Assert.Contains("- 2026-03-29 03:30 commander handed over: Alice → Carol", lines);
        Assert.Contains("- [ ] #1 Alert on payment error rate — open · owner Dave · due 2026-03-20 · https://tracker.example.com/OPS-7", lines);
        Assert.Contains("- [x] #2 Document the config rollback — done", lines);
        Assert.Contains(
            "**Status history:** investigating 2026-03-29 01:40 (Alice) → identified 2026-03-29 03:20 (Bob) → monitoring 2026-03-29 04:00 (Carol) → resolved 2026-03-29 05:10 (Carol)",
            lines);
        Assert.Contains("| 2026-03-29 01:45 | Bob | captured | Error rate on /pay is 40% · [link](https://chat.example.com/archives/C1/p1) |", lines);
    }

    [Fact]
    public void DefaultTemplate_ShowsTheZoneOnce_AndNoBlankLinesLeftByBlockTags()
    {
        var markdown = Generate();

        Assert.Single(Lines(markdown), l => l.Contains("Europe/Berlin", StringComparison.Ordinal));
        Assert.DoesNotContain("\n\n\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultTemplate_SectionsForPeople_AreOneShortPromptEach()
    {
        var result = ReviewDocGenerator.Generate(Context());

        Assert.Equal(["impact", "contributing-factors", "went-well", "was-hard", "open-questions"], result.Sections.Select(s => s.Name));
        Assert.All(result.Sections, s => Assert.DoesNotContain('\n', s.Prompt));
        Assert.Equal("_Who was affected, how, and for how long?_", result.Sections[0].Prompt);
        var read = ReviewDocSections.Compose(result.Markdown, result.Sections, new Dictionary<string, string>());
        foreach (var heading in new[] { "### Impact", "## Contributing factors", "## What went well", "## What was hard", "## Open questions" })
        {
            Assert.Contains(heading, Lines(read));
        }

        Assert.Contains("## What went well\n\n_What helped us notice, respond or recover?_\n\n## What was hard", read);
    }

    [Fact]
    public void KeyTimeline_IsTheKeyMoments_ChangesOfStateAndWhatPeopleMarked_NotRolesUpdatesJoinsLeavesOrHidden()
    {
        // The capture (#4) was marked; the severity change (#6) was unmarked; the rest follow the default.
        var timeline = Timeline().Select(e => e.Id switch { 4 => e with { Key = true }, 6 => e with { Key = false }, _ => e }).ToList();
        var (body, _) = Split(Generate(Incident(timeline)));
        var keyRows = Lines(body).SkipWhile(l => l != "## Key timeline").Where(l => l.StartsWith("| 2026", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            ["declared", "captured", "status", "status", "impact", "resolved"],
            keyRows.Select(r => r.Split(" | ")[2]).ToList());
        Assert.DoesNotContain("Rollback of the payments config started", body, StringComparison.Ordinal); // a note nobody marked
        Assert.DoesNotContain("We are investigating elevated payment errors.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob joined", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob left", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Action item: Alert", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Appendix_HasEveryVisibleEntryIncludingUpdates_ButNotHiddenOnes()
    {
        var (_, appendix) = Split(Generate());
        var rows = Lines(appendix).Where(l => l.StartsWith("| 2026", StringComparison.Ordinal)).ToList();

        Assert.Equal(14, rows.Count);
        Assert.Contains("| 2026-03-29 01:50 | Alice | update | We are investigating elevated payment errors. |", rows);
        Assert.Contains("| 2026-03-29 03:35 | Carol | action item | Action item: Alert on payment error rate |", rows);
        Assert.Contains("| 2026-03-29 01:42 | Bob | joined | Bob joined |", rows);
        Assert.DoesNotContain("SECRET", appendix, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeline_OutOfOrderInput_IsShownOldestFirst()
    {
        var timeline = Timeline();
        timeline.Reverse();

        var (_, appendix) = Split(Generate(Incident(timeline)));
        var times = Lines(appendix).Where(l => l.StartsWith("| 2026", StringComparison.Ordinal)).Select(l => l[2..18]).ToList();

        Assert.Equal(times.Order(StringComparer.Ordinal).ToList(), times);
        Assert.Equal("2026-03-29 01:40", times[0]);
    }

    [Fact]
    public void Times_AreInTheMeetingZone_AcrossTheSpringForwardNight()
    {
        var lines = Lines(Generate());

        // 00:25Z and 00:40Z are CET (+1); 01:20Z, 02:00Z and 03:10Z are CEST (+2).
        Assert.Contains("| 2026-03-29 01:25 | 2026-03-29 01:40 | 2026-03-29 01:41 | 2026-03-29 03:20 | 2026-03-29 04:00 | 2026-03-29 05:10 |", lines);
        Assert.Contains("| 2026-03-29 04:05 | Carol | impact | Impact started at 2026-03-29 01:25 |", lines);
    }

    [Fact]
    public void Times_InAnotherZone_FollowThatZone()
    {
        var result = ReviewDocGenerator.Generate(Context(zone: TimeZoneInfo.FindSystemTimeZoneById("America/New_York")));

        // New York is on EDT (-4) since 2026-03-08.
        Assert.Contains("| 2026-03-28 20:25 | 2026-03-28 20:40 | 2026-03-28 20:41 | 2026-03-28 21:20 | 2026-03-28 22:00 | 2026-03-28 23:10 |", Lines(result.Markdown));
        Assert.Contains("_All times are America/New_York.", result.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_AreElapsedTime_NotWallClockDifferences()
    {
        var lines = Lines(Generate());

        // Impact from 01:25 and resolved 05:10 on the wall clock, but only 2h45 passed (the clocks jumped an hour).
        Assert.Contains("From the start of impact: to detect **15m** · to acknowledge **16m** · to mitigate **1h 35m** · to resolve **2h 45m**", lines);
    }

    [Fact]
    public void Durations_ImpactStartedAfterDeclaration_CountsFromTheDeclaration()
    {
        var lines = Lines(Generate(Incident(impactStarted: At(1, 0))));

        Assert.Contains("From the declare: to detect **0s** · to acknowledge **1m** · to mitigate **1h 20m** · to resolve **2h 30m**", lines);
    }

    [Fact]
    public void MissingTimes_RenderAsDash_AndSoDoTheirDurations()
    {
        var incident = Incident(open: true, summary: null, status: IncidentStatus.Investigating);

        var lines = Lines(Generate(incident));

        Assert.Contains("| — | 2026-03-29 01:40 | 2026-03-29 01:41 | — | — | — |", lines);
        Assert.Contains("From the declare: to detect **—** · to acknowledge **1m** · to mitigate **—** · to resolve **—**", lines);
        Assert.Contains("_What happened, in one or two sentences?_", lines);
    }

    [Fact]
    public void MissingTimes_ImpactKnownButNotResolved_ImpactDurationIsDash()
    {
        var incident = Incident(open: true, impactStarted: At(0, 25), identified: At(1, 20));

        var lines = Lines(Generate(incident));

        Assert.Contains("| 2026-03-29 01:25 | 2026-03-29 01:40 | 2026-03-29 01:41 | 2026-03-29 03:20 | — | — |", lines);
        Assert.Contains("From the start of impact: to detect **15m** · to acknowledge **16m** · to mitigate **—** · to resolve **—**", lines);
    }

    [Fact]
    public void Links_OnlyHttpAndHttpsBecomeLinks()
    {
        var timeline = new List<TimelineEntryView>
        {
            Entry(1, TimelineKind.Captured, At(1, 0), Bob, "a", link: "https://chat.example.com/a(1) b"),
            Entry(2, TimelineKind.Captured, At(1, 1), Bob, "b", link: "javascript:alert(1)"),
            Entry(3, TimelineKind.Captured, At(1, 2), Bob, "c", link: "ftp://files.example.com/x"),
            Entry(4, TimelineKind.Captured, At(1, 3), Bob, "d", link: "http://chat.example.com/d"),
        };

        var result = ReviewDocGenerator.Generate(Context(Incident(timeline), url: "javascript:alert(document.cookie)"));
        var lines = Lines(result.Markdown);

        Assert.Contains("| 2026-03-29 03:00 | Bob | captured | a · [link](https://chat.example.com/a%281%29%20b) |", lines);
        Assert.Contains("| 2026-03-29 03:01 | Bob | captured | b · javascript:alert(1) |", lines);
        Assert.Contains("| 2026-03-29 03:02 | Bob | captured | c · ftp://files.example.com/x |", lines);
        Assert.Contains("| 2026-03-29 03:03 | Bob | captured | d · [link](http://chat.example.com/d) |", lines);
        Assert.DoesNotContain("](javascript", result.Markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("](ftp", result.Markdown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("- **Links:** javascript:alert(document.cookie) · slack", result.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void NoUrlAndNoActions_SayItPlainly()
    {
        var result = ReviewDocGenerator.Generate(Context(Incident(actions: [], channels: []), url: null));
        var lines = Lines(result.Markdown);

        Assert.Contains("- **Links:** —", lines);
        Assert.Contains("_None yet._", lines);
    }

    [Fact]
    public void StatusHistory_Reopen_ShowsFromAndTo_AndIgnoresEntriesMergedFromADuplicate()
    {
        var timeline = new List<TimelineEntryView>
        {
            Entry(1, TimelineKind.Declared, At(0, 40), Alice, "Declared SEV2: Checkout payments failing", after: "investigating"),
            Entry(2, TimelineKind.Resolved, At(1, 0), Alice, "Resolved", "investigating", "resolved"),
            Entry(3, TimelineKind.Reopened, At(1, 10), Bob, "Reopened", "resolved", "investigating"),
            Entry(4, TimelineKind.StatusChanged, At(1, 11), Dave, "Status investigating → identified", "investigating", "identified", mergedFrom: 41),
            Entry(5, TimelineKind.DuplicateMerged, At(1, 12), Dave, "INC-41 (Pay errors) marked a duplicate of this incident; its timeline joined this one"),
        };

        var markdown = Generate(Incident(timeline));
        var lines = Lines(markdown);

        Assert.Contains(
            "**Status history:** investigating 2026-03-29 01:40 (Alice) → resolved 2026-03-29 03:00 (Alice) → investigating 2026-03-29 03:10 (Bob)",
            lines);
        Assert.Contains("| 2026-03-29 03:11 | Dave | status (INC-41) | Status investigating → identified |", lines);
        Assert.Contains("| 2026-03-29 03:12 | Dave | merged | INC-41 (Pay errors) marked a duplicate of this incident; its timeline joined this one |", lines);
    }

    [Fact]
    public void Severity_HighestReached_UsesTheSeverityOrder()
    {
        var timeline = new List<TimelineEntryView>
        {
            Entry(1, TimelineKind.SeverityChanged, At(1, 0), Alice, "Severity SEV3 → SEV1", "SEV3", "SEV1"),
            Entry(2, TimelineKind.SeverityChanged, At(2, 0), Alice, "Severity SEV1 → SEV3", "SEV1", "SEV3"),
        };
        var incident = Incident(timeline);
        incident = incident with { Summary = incident.Summary with { Severity = "SEV3" } };

        var lines = Lines(Generate(incident));

        Assert.Contains("- **Severity:** SEV3 (highest: SEV1)", lines);
    }

    [Fact]
    public void CancelledAndDuplicate_AreStated()
    {
        var cancelled = Incident(open: true) with
        {
            Summary = Incident().Summary with { Status = IncidentStatus.Cancelled },
            CancelReason = "monitor flapped",
        };
        var duplicate = Incident(open: true) with
        {
            Summary = Incident().Summary with { Status = IncidentStatus.Duplicate },
            DuplicateOfNumber = 40,
        };

        Assert.Contains("- **Status:** cancelled (cancelled: monitor flapped)", Lines(Generate(cancelled)));
        Assert.Contains("- **Status:** duplicate (duplicate of INC-40)", Lines(Generate(duplicate)));
    }

    [Fact]
    public void TenThousandEntries_ProduceTheWholeDocument()
    {
        var kinds = new[] { TimelineKind.Captured, TimelineKind.Update, TimelineKind.Note, TimelineKind.MemberJoined, TimelineKind.ActionItemAdded };
        var timeline = Enumerable.Range(0, 10_000)
            .Select(i => Entry(i + 1, kinds[i % kinds.Length], At(0, 0).AddSeconds(i * 7), i % 2 == 0 ? Alice : Bob,
                $"entry {i} with | pipe and <b>", link: i % 3 == 0 ? $"https://chat.example.com/m/{i}" : null, hidden: i % 100 == 99))
            .ToList();

        var (body, appendix) = Split(Generate(Incident(timeline)));

        Assert.Equal(9_900, Lines(appendix).Count(l => l.StartsWith("| 2026", StringComparison.Ordinal)));
        Assert.Equal(1, Lines(body).Count(l => l.StartsWith("| 2026", StringComparison.Ordinal))); // the key-times row: nothing was marked a key moment
        Assert.Contains("| entry 9998 with \\| pipe and &lt;b> |", appendix, StringComparison.Ordinal);
        Assert.DoesNotContain("entry 9999 ", appendix, StringComparison.Ordinal); // hidden
    }
}
