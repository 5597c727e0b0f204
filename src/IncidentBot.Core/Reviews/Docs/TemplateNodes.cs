namespace IncidentBot.Core.Reviews.Docs;

internal enum RefKind
{
    Value = 0,
    List = 1,
    ItemField = 2,
    Index = 3,
}

/// <summary>A name in a tag, resolved when the template is parsed: a top-level value, a list, a field of the item
/// of the each-block at <see cref="Depth"/> (0 = outermost), or that block's <c>@index</c>.</summary>
internal sealed class TemplateRef(RefKind kind, FieldDef? field, ListDef? list, int depth)
{
    public RefKind Kind { get; } = kind;

    public FieldDef? Field { get; } = field;

    public ListDef? List { get; } = list;

    public int Depth { get; } = depth;
}

internal abstract class TemplateNode;

internal sealed class TextNode(string text) : TemplateNode
{
    public string Text { get; } = text;
}

internal sealed class ValueNode(TemplateRef reference) : TemplateNode
{
    public TemplateRef Reference { get; } = reference;
}

internal sealed class EachNode(ListDef list, int depth, TemplateNode[] body) : TemplateNode
{
    public ListDef List { get; } = list;

    public int Depth { get; } = depth;

    public TemplateNode[] Body { get; } = body;
}

internal sealed class IfNode(TemplateRef condition, TemplateNode[] then, TemplateNode[] otherwise) : TemplateNode
{
    public TemplateRef Condition { get; } = condition;

    public TemplateNode[] Then { get; } = then;

    public TemplateNode[] Otherwise { get; } = otherwise;
}

/// <summary>A section people write in; <see cref="Prompt"/> is shown until they do.</summary>
internal sealed class SectionNode(string name, TemplateNode[] prompt) : TemplateNode
{
    public string Name { get; } = name;

    public TemplateNode[] Prompt { get; } = prompt;
}

/// <summary>A parsed template: its nodes (usable only when <see cref="Errors"/> is empty) and its problems.</summary>
internal sealed class ParsedTemplate(string source, TemplateNode[] nodes, IReadOnlyList<string> errors)
{
    public string Source { get; } = source;

    public TemplateNode[] Nodes { get; } = nodes;

    public IReadOnlyList<string> Errors { get; } = errors;
}
