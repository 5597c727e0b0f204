using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews.Docs;
using static IncidentBot.Tests.Core.Reviews.Docs.ReviewDocTestData;

namespace IncidentBot.Tests.Core.Reviews.Docs;

public class ReviewDocTemplateTests
{
    [Fact]
    public void Default_IsValid()
    {
        Assert.Empty(ReviewDocTemplate.Validate(ReviewDocTemplate.Default));
    }

    [Fact]
    public void Default_IsTheSameTextAsTheShippedFile()
    {
        Assert.Equal(RepoFile("docs/review-template.md"), ReviewDocTemplate.Default);
    }

    [Fact]
    public void Reference_DocumentsEveryPlaceholderListAndField()
    {
        var reference = RepoFile("docs/review-template-reference.md");

        Assert.All(ReviewDocTemplate.Values, name => Assert.Contains($"`{{{{{name}}}}}`", reference, StringComparison.Ordinal));
        Assert.All(ReviewDocTemplate.Lists, list =>
        {
            Assert.Contains($"`{{{{#each {list.Key}}}}}`", reference, StringComparison.Ordinal);
            var section = reference[reference.IndexOf($"`{{{{#each {list.Key}}}}}`", StringComparison.Ordinal)..];
            Assert.All(list.Value, field => Assert.Contains($"`{{{{{field}}}}}`", section, StringComparison.Ordinal));
        });
        foreach (var construct in new[] { "`{{@index}}`", "`{{else}}`", "`{{/each}}`", "`{{/if}}`", "`{{! ", "Reviews:TemplatePath" })
        {
            Assert.Contains(construct, reference, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CustomTemplate_EveryConstruct()
    {
        var template = string.Join(
            "\n",
            "{{! a comment alone on its line leaves nothing }}",
            "Incident {{incident.reference}} ({{ incident.severity }}){{! inline comment }}",
            "{{#each roles}}",
            "{{@index}}. {{role}}={{holder}}{{#if since}} @{{since}}{{/if}}",
            "{{/each}}",
            "{{#if incident.service}}Service: {{incident.service}}{{else}}No service{{/if}}",
            "{{#if incident.cancelReason}}cancelled{{else}}not cancelled{{/if}}",
            "{{#if incident.private}}private{{else}}public{{/if}} {{incident.private}}",
            "{{#each actions}}[{{#if done}}done{{else}}open{{/if}}: {{text}}{{#if owner}} by {{owner}}{{/if}}]{{/each}}",
            "{{#each roles}}{{#each channels}}{{@index}}{{role}}{{platform}};{{/each}}{{/each}}",
            "{{#if handovers}}{{#each handovers}}{{role}} {{from}}→{{to}} {{at}}{{/each}}{{/if}}",
            "{{#if timeline.key}}key{{/if}} {{#if durations.toResolve}}{{durations.toResolve}}{{/if}} {{zone}}",
            "**literal** <b>kept</b>",
            "");

        var result = ReviewDocGenerator.Generate(Context(), template);

        Assert.Empty(result.TemplateErrors);
        Assert.Equal(
            string.Join(
                "\n",
                "Incident INC-42 (SEV1)",
                "1. commander=Carol @2026-03-29 03:30",
                "2. scribe=Bob @2026-03-29 01:43",
                "Service: payments",
                "not cancelled",
                "public no",
                "[open: Alert on payment error rate by Dave][done: Document the config rollback]",
                "1commanderslack;2commanderteams;1scribeslack;2scribeteams;",
                "commander Alice→Carol 2026-03-29 03:30",
                "key 2h 45m Europe/Berlin",
                "**literal** <b>kept</b>",
                ""),
            result.Markdown);
    }

    [Fact]
    public void CustomTemplate_BlockTagsAloneOnALine_TakeTheLineWithThem_AlsoWithCrLf()
    {
        var lf = "a\n  {{#if incident.private}}\nprivate\n  {{else}}  \npublic\n\t{{/if}}\nb\n";
        var crlf = "| Role |\r\n|---|\r\n{{#each roles}}\r\n| {{role}} |\r\n{{/each}}\r\nend";

        Assert.Equal("a\npublic\nb\n", Generate(template: lf));
        Assert.Equal("| Role |\r\n|---|\r\n| commander |\r\n| scribe |\r\nend", Generate(template: crlf));
    }

    [Fact]
    public void CustomTemplate_ValuesAreEscapedToo()
    {
        Assert.Equal(@"\# x \| &lt;y> \[z\](javascript:1)", Generate(Incident(title: "# x | <y> [z](javascript:1)"), "{{incident.title}}"));
    }

    [Fact]
    public void CustomTemplate_Fine_IsUsed_AndGivesTheSameDocumentEachTime()
    {
        var first = ReviewDocGenerator.Generate(Context(), "Only {{incident.reference}}");
        var second = ReviewDocGenerator.Generate(Context(), "Only {{incident.reference}}");

        Assert.Equal("Only INC-42", first.Markdown);
        Assert.Equal(first.Markdown, second.Markdown);
        Assert.Empty(first.Sections);
        Assert.Empty(second.TemplateErrors);
    }

    [Theory]
    [InlineData("# {{incident.reference}}\n{{incident.titel}}", "line 2, column 1: unknown placeholder {{incident.titel}} — did you mean {{incident.title}}?")]
    [InlineData("{{Incident.Title}}", "line 1, column 1: unknown placeholder {{Incident.Title}} — did you mean {{incident.title}}?")]
    [InlineData("{{nothing.like.it}}", "line 1, column 1: unknown placeholder {{nothing.like.it}} (docs/review-template-reference.md lists them)")]
    [InlineData("a\n\n{{#each timeline.key}}\n| {{time}} |\n", "line 3, column 1: {{#each timeline.key}} is never closed (add {{/each}})")]
    [InlineData("{{#if incident.service}}x", "line 1, column 1: {{#if incident.service}} is never closed (add {{/if}})")]
    [InlineData("text\n  {{/each}}", "line 2, column 3: {{/each}} has no matching {{#each …}}")]
    [InlineData("{{/if}}", "line 1, column 1: {{/if}} has no matching {{#if …}}")]
    [InlineData("{{#each timeline.all}}{{/each}}", "line 1, column 1: unknown list {{#each timeline.all}} — did you mean {{#each timeline.full}}?")]
    [InlineData("{{#each people}}{{/each}}", "line 1, column 1: unknown list {{#each people}}; the lists are roles, handovers, statusHistory, severityHistory, timeline.key, timeline.full, actions, channels, earlierResolutions")]
    [InlineData("{{#each incident.title}}{{/each}}", "line 1, column 1: {{#each incident.title}}: incident.title is a single value, not a list (test it with {{#if incident.title}})")]
    [InlineData("{{#each}}{{/each}}", "line 1, column 1: {{#each}} needs a list name, for example {{#each timeline.key}}")]
    [InlineData("x {{holder}}", "line 1, column 3: {{holder}} only works inside {{#each roles}}")]
    [InlineData("{{at}}", "line 1, column 1: {{at}} only works inside {{#each handovers}} or {{#each statusHistory}} or {{#each severityHistory}} or {{#each earlierResolutions}}")]
    [InlineData("{{roles}}", "line 1, column 1: {{roles}} is a list: repeat it with {{#each roles}}…{{/each}}")]
    [InlineData("{{@index}}", "line 1, column 1: {{@index}} only works inside {{#each …}}")]
    [InlineData("{{#each roles}}{{else}}{{/each}}", "line 1, column 16: {{else}} inside {{#each roles}} (line 1): {{else}} belongs to {{#if …}}")]
    [InlineData("{{else}}", "line 1, column 1: {{else}} has no {{#if …}} before it")]
    [InlineData("{{#if incident.private}}{{else}}{{else}}{{/if}}", "line 1, column 33: a second {{else}} in {{#if incident.private}} opened at line 1")]
    [InlineData("{{#each roles}}\n{{#if holder}}\n{{/each}}", "line 3, column 1: {{/each}} closes {{#if holder}} opened at line 2; close that first with {{/if}}")]
    [InlineData("{{#with roles}}{{/with}}", "line 1, column 1: unknown block {{#with roles}}: the blocks are {{#each list}}…{{/each}}, {{#if name}}…{{else}}…{{/if}} and {{#section name}}…{{/section}}")]
    [InlineData("{{#if incident.private == true}}{{/if}}", "line 1, column 1: {{#if incident.private == true}}: one name only (no expressions), for example {{#if incident.service}}")]
    [InlineData("{{/each roles}}", "line 1, column 1: {{/each roles}}: write just {{/each}}")]
    [InlineData("{{ incident . title }}", "line 1, column 1: {{incident . title}} is not a placeholder: write {{name}}, {{#each list}}, {{#if name}}, {{else}}, {{/each}}, {{/if}} or {{! comment }}")]
    [InlineData("{{}}", "line 1, column 1: empty tag {{}}")]
    [InlineData("{{#each roles}}{{#section x}}{{/section}}{{/each}}", "line 1, column 16: {{#section x}} is inside {{#each roles}}: a section cannot be inside another block")]
    [InlineData("{{#section a}}{{/section}}{{#section a}}{{/section}}", "line 1, column 27: {{#section a}}: the section 'a' is declared twice")]
    [InlineData("{{#section Bad}}{{/section}}", "line 1, column 1: {{#section Bad}}: a section needs one name of lower-case letters, digits and '-', for example {{#section contributing-factors}}")]
    [InlineData("{{#section a}}", "line 1, column 1: {{#section a}} is never closed (add {{/section}})")]
    [InlineData("ok\nthen {{incident.title", "line 2, column 6: this '{{' is never closed with '}}'")]
    [InlineData("   \n ", "line 1, column 1: the template is empty")]
    public void TemplateError_IsReported_AndTheDefaultTemplateIsUsed(string template, string expected)
    {
        var result = ReviewDocGenerator.Generate(Context(), template);

        Assert.Contains(expected, result.TemplateErrors);
        Assert.True(result.FellBackToDefault);
        Assert.Equal(Generate(), ReviewDocSections.Compose(result.Markdown, result.Sections, new Dictionary<string, string>()));
        Assert.Equal(result.TemplateErrors, ReviewDocTemplate.Validate(template));
    }

    [Fact]
    public void TemplateError_InsideAnUnknownList_IsReportedOnce()
    {
        var errors = ReviewDocTemplate.Validate("{{#each rolez}}\n- {{holder}} {{whatever}}\n{{/each}}");

        Assert.Equal(["line 1, column 1: unknown list {{#each rolez}} — did you mean {{#each roles}}?"], errors);
    }

    [Fact]
    public void TemplateErrors_AreAllListed_UpToALimit()
    {
        Assert.Equal(3, ReviewDocTemplate.Validate("{{a1}}\n{{b2}}\n{{c3}}").Count);

        var many = ReviewDocTemplate.Validate(string.Concat(Enumerable.Repeat("{{nope}}\n", 50)));

        Assert.Equal(21, many.Count);
        Assert.Equal("(stopped after 20 problems)", many[^1]);
    }

    [Fact]
    public void TemplateError_NestedTooDeep()
    {
        var template = string.Concat(Enumerable.Repeat("{{#if zone}}", 17)) + string.Concat(Enumerable.Repeat("{{/if}}", 17));

        Assert.Contains(ReviewDocTemplate.Validate(template), e => e.Contains("nested more than 16 deep", StringComparison.Ordinal));
        Assert.Empty(ReviewDocTemplate.Validate(string.Concat(Enumerable.Repeat("{{#if zone}}", 16)) + string.Concat(Enumerable.Repeat("{{/if}}", 16))));
    }

    [Fact]
    public void CustomTemplate_ThatWouldProduceAHugeDocument_IsSetAside()
    {
        var timeline = Enumerable.Range(1, 3_000)
            .Select(i => Entry(i, TimelineKind.Note, At(1, 0).AddSeconds(i), Bob, new string('n', 100)))
            .ToList();
        var incident = Incident(timeline);

        var result = ReviewDocGenerator.Generate(Context(incident), "{{#each timeline.full}}{{#each timeline.full}}{{text}}{{/each}}{{/each}}");

        Assert.Equal(["the document from this template would be longer than 20,000,000 characters (is a list repeated inside another list?)"], result.TemplateErrors);
        Assert.Equal(Generate(incident), ReviewDocSections.Compose(result.Markdown, result.Sections, new Dictionary<string, string>()));
    }

    [Fact]
    public void TemplateError_TooLong()
    {
        var errors = ReviewDocTemplate.Validate(new string('x', 300_000));

        Assert.Equal(["line 1, column 1: the template is longer than 262144 characters"], errors);
    }
}
