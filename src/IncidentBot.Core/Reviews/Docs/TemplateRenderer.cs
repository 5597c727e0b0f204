using System.Text;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// Walks a parsed template once, writing into one <see cref="StringBuilder"/>. Stops early when the document passes
/// <c>maxLength</c> characters (a custom template repeating a list inside another could otherwise grow without bound).
/// </summary>
internal sealed class TemplateRenderer
{
    private readonly ReviewDocModel model;
    private readonly StringBuilder output;
    private readonly long maxLength;
    private readonly MarkdownWriter writer;
    private readonly object[] items = new object[TemplateParser.MaxDepth + 1];
    private readonly int[] indexes = new int[TemplateParser.MaxDepth + 1];
    private readonly List<ReviewDocSection> sections = [];

    private TemplateRenderer(ReviewDocModel model, StringBuilder output, long maxLength)
    {
        this.model = model;
        this.output = output;
        this.maxLength = maxLength;
        writer = new MarkdownWriter(output, model);
    }

    private bool TooLong => output.Length > maxLength;

    /// <summary>The document, or null when it would be longer than <paramref name="maxLength"/> characters.</summary>
    public static string? Render(ParsedTemplate template, ReviewDocModel model, long maxLength = long.MaxValue) =>
        Render(template, model, maxLength, out _);

    /// <summary>
    /// The document with a marker where each section people write in goes (<see cref="ReviewDocSections.Compose"/>
    /// fills them), and those sections with their rendered prompts; null when longer than <paramref name="maxLength"/>.
    /// </summary>
    public static string? Render(ParsedTemplate template, ReviewDocModel model, long maxLength, out IReadOnlyList<ReviewDocSection> sections)
    {
        if (template.Errors.Count > 0)
        {
            throw new InvalidOperationException("A template with errors cannot be rendered.");
        }

        var output = new StringBuilder(template.Source.Length + (model.FullTimeline.Count * 96));
        var renderer = new TemplateRenderer(model, output, maxLength);
        renderer.Render(template.Nodes);
        sections = renderer.sections;
        return renderer.TooLong ? null : output.ToString();
    }

    private void Render(TemplateNode[] nodes)
    {
        foreach (var node in nodes)
        {
            if (TooLong)
            {
                return;
            }

            switch (node)
            {
                case TextNode text:
                    writer.Literal(text.Text);
                    break;
                case ValueNode value:
                    Write(value.Reference);
                    break;
                case EachNode each:
                    var list = each.List.Items(model);
                    for (var i = 0; i < list.Count; i++)
                    {
                        items[each.Depth] = list[i];
                        indexes[each.Depth] = i;
                        Render(each.Body);
                    }

                    items[each.Depth] = null!;
                    break;
                case IfNode branch:
                    Render(IsTrue(branch.Condition) ? branch.Then : branch.Otherwise);
                    break;
                case SectionNode section:
                    // The prompt is rendered where the section stands, then moved out for the marker to take its place.
                    var start = output.Length;
                    Render(section.Prompt);
                    var prompt = output.ToString(start, output.Length - start).Trim();
                    output.Length = start;
                    sections.Add(new ReviewDocSection { Name = section.Name, Prompt = prompt });
                    writer.Literal(ReviewDocSections.Marker(section.Name));
                    if (section.Prompt.Length > 0 && section.Prompt[^1] is TextNode { Text: var last } && last.EndsWith('\n'))
                    {
                        writer.Literal("\n");
                    }

                    break;
            }
        }
    }

    private void Write(TemplateRef reference)
    {
        switch (reference.Kind)
        {
            case RefKind.Index:
                writer.Number(indexes[reference.Depth] + 1);
                break;
            case RefKind.Value:
                writer.Write(reference.Field!.Read(model, model));
                break;
            case RefKind.ItemField:
                writer.Write(reference.Field!.Read(model, items[reference.Depth]));
                break;
        }
    }

    private bool IsTrue(TemplateRef reference) => reference.Kind switch
    {
        RefKind.Index => true,
        RefKind.List => reference.List!.Items(model).Count > 0,
        RefKind.Value => reference.Field!.Read(model, model).IsTruthy,
        RefKind.ItemField => reference.Field!.Read(model, items[reference.Depth]).IsTruthy,
        _ => false,
    };
}
