using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using static IncidentBot.Tests.Core.Reviews.Docs.ReviewDocTestData;

namespace IncidentBot.Tests.Core.Reviews.Docs;

public class ReviewDocEscapingTests
{
    private const string Hostile = "# heading | pipe <script>alert(1)</script> `code` [x](javascript:alert(1))";

    [Fact]
    public void HostileTitle_StaysInsideTheHeadingLine_AsPlainText()
    {
        var lines = Lines(Generate(Incident(title: Hostile)));

        Assert.Equal(@"# INC-42 review: # heading \| pipe &lt;script>alert(1)&lt;/script> \`code\` \[x\](javascript:alert(1))", lines[0]);
    }

    [Fact]
    public void HostileText_NeverMakesAScriptTagOrAJavascriptLink()
    {
        var timeline = Timeline();
        timeline.Add(Entry(100, TimelineKind.Captured, At(3, 20), new PersonView("slack:UM", "Mallory <img src=x onerror=alert(1)>"), Hostile));
        var incident = Incident(timeline, title: Hostile, description: Hostile, summary: Hostile) with
        {
            Summary = Incident().Summary with { Title = Hostile, Service = Hostile },
        };

        var markdown = Generate(incident);

        Assert.DoesNotContain("<script", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(?<!\\)\]\(javascript", RegexOptions.IgnoreCase), markdown);
        Assert.DoesNotMatch(new Regex(@"(?<!\\)`"), markdown);
        Assert.Contains(@"\[x\](javascript:alert(1))", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileText_CannotAddHeadings()
    {
        var timeline = Timeline();
        timeline.Add(Entry(100, TimelineKind.Note, At(3, 20), Bob, "# not a heading\n## nor this"));
        var incident = Incident(timeline, title: "# Title", description: "# Description\n## More", summary: "### Summary");

        var headings = Lines(Generate(incident)).Where(l => l.StartsWith('#')).ToList();

        Assert.Equal(
            ["# INC-42 review: # Title", "## Summary and impact", "### Impact", "## Key times", "## Roles", "## Key timeline", "## Action items", "## Contributing factors", "## What went well", "## What was hard", "## Open questions", "## Appendix: full timeline"],
            headings);
    }

    [Fact]
    public void MultiLineText_OutsideATable_EscapesWhatWouldStartABlockOnEachLine()
    {
        var description = string.Join(
            "\n",
            "# evil heading",
            "> quote",
            "- item",
            "+ item",
            "* item",
            "1. first",
            "2) second",
            "    indented code",
            "```",
            "~~~",
            "---",
            "===",
            "<!-- comment -->",
            "[ref]: https://evil.example",
            @"C:\temp and \| and \* end");

        var lines = Lines(Generate(Incident(description: description)));
        var start = Array.IndexOf(lines, @"\# evil heading");

        Assert.True(start > 0, "the description's first line is escaped");
        Assert.Equal(
            [
                @"\# evil heading",
                @"\> quote",
                @"\- item",
                @"\+ item",
                @"\* item",
                @"1\. first",
                @"2\) second",
                "indented code",
                @"\`\`\`",
                @"\~~~",
                @"\---",
                @"\===",
                "&lt;!-- comment -->",
                @"\[ref\]: https://evil.example",
                @"C:\temp and \\\| and \\* end",
            ],
            lines[start..(start + 15)]);
    }

    [Fact]
    public void MultiLineText_InATableCell_StaysInItsRow()
    {
        var timeline = new List<TimelineEntryView>
        {
            Entry(1, TimelineKind.Note, At(1, 0), new PersonView("slack:UM", "Mallory | Admin"), "line one\r\n# two | three\n\n`x`\tend") with { Key = true },
        };

        var lines = Lines(Generate(Incident(timeline)));
        var rows = lines.Where(l => l.StartsWith("| 2026-03-29 03:00 |", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count); // the key timeline and the appendix
        var row = rows[0];

        Assert.Equal(@"| 2026-03-29 03:00 | Mallory \| Admin | note | line one<br># two \| three<br><br>\`x\` end |", row);
        Assert.Equal(5, UnescapedPipes(row));
    }

    [Fact]
    public void TextAfterAListMarker_CannotOpenANestedBlock()
    {
        var actions = new List<ActionItemView>
        {
            new(1, "- [x] fake done\n# boom", new PersonView("slack:UE", "> Eve"), ActionItemStatus.Open, Carol, At(1, 0)),
        };

        var lines = Lines(Generate(Incident(actions: actions)));

        // After the item's number the text is no longer at the start of the line: it can open no block there.
        Assert.Contains(lines, l => l.StartsWith("- [ ] #1 ", StringComparison.Ordinal) && l.EndsWith("fake done", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("- [x] fake", StringComparison.Ordinal));
        Assert.Contains(@"\# boom — open · owner > Eve", lines);
    }

    [Fact]
    public void ReadableText_IsLeftAlone()
    {
        var timeline = new List<TimelineEntryView>
        {
            Entry(1, TimelineKind.Note, At(1, 0), Bob, "p99 > 2s on api-gateway_v2 for *all* #payments users (a-b) 50% & more!"),
        };

        var lines = Lines(Generate(Incident(timeline)));

        Assert.Contains("| 2026-03-29 03:00 | Bob | note | p99 > 2s on api-gateway_v2 for *all* #payments users (a-b) 50% & more! |", lines);
    }

    [Fact]
    public void ControlCharacters_AreDropped()
    {
        var timeline = new List<TimelineEntryView> { Entry(1, TimelineKind.Note, At(1, 0), Bob, "bell\u0007 null\0 esc\u001b[31m red") };

        var lines = Lines(Generate(Incident(timeline)));

        Assert.Contains(@"| 2026-03-29 03:00 | Bob | note | bell null esc\[31m red |", lines);
    }

    private static int UnescapedPipes(string row)
    {
        var count = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] == '\\')
            {
                i++;
            }
            else if (row[i] == '|')
            {
                count++;
            }
        }

        return count;
    }
}
