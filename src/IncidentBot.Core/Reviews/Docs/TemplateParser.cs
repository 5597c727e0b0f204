namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// Reads a review template once into nodes, checking every name against <see cref="ReviewDocSchema"/>. A block
/// tag (<c>{{#each}}</c>, <c>{{#if}}</c>, <c>{{#section}}</c>, <c>{{else}}</c>, <c>{{/…}}</c>, <c>{{! }}</c>) alone on its
/// line takes the whole line with it, so blocks do not leave blank lines in tables and lists.
/// </summary>
internal sealed class TemplateParser
{
    public const int MaxLength = 256 * 1024;
    public const int MaxDepth = 16;
    public const int MaxErrors = 20;
    private const int MaxTagShown = 60;

    private readonly string source;
    private readonly List<string> errors = [];
    private readonly List<Block> open = [];
    private readonly HashSet<string> sections = new(StringComparer.Ordinal);
    private int lineCountedTo;
    private int lineAtCounted = 1;
    private int lineStartAtCounted;

    private TemplateParser(string source)
    {
        this.source = source;
    }

    private enum BlockKind
    {
        Root = 0,
        Each = 1,
        If = 2,
        Section = 3,
    }

    private enum TagKind
    {
        Value = 0,
        Comment = 1,
        Each = 2,
        If = 3,
        Else = 4,
        EndEach = 5,
        EndIf = 6,
        Invalid = 7,
        Section = 8,
        EndSection = 9,
    }

    private bool Full => errors.Count >= MaxErrors;

    public static ParsedTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parser = new TemplateParser(source);
        return parser.Run();
    }

    private ParsedTemplate Run()
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return new ParsedTemplate(source, [], ["line 1, column 1: the template is empty"]);
        }

        if (source.Length > MaxLength)
        {
            return new ParsedTemplate(source, [], [$"line 1, column 1: the template is longer than {MaxLength} characters"]);
        }

        open.Add(new Block(BlockKind.Root, 0, string.Empty));
        var textStart = 0;
        var pos = 0;
        while (!Full)
        {
            var start = source.IndexOf("{{", pos, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var close = source.IndexOf("}}", start + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                Error(start, "this '{{' is never closed with '}}'");
                textStart = source.Length;
                break;
            }

            var inner = source.AsSpan(start + 2, close - start - 2).Trim();
            var end = close + 2;
            var kind = Classify(inner, out var argument);
            var textEnd = start;
            var next = end;
            if (kind != TagKind.Value && kind != TagKind.Invalid && Standalone(textStart, start, end, out var lineStart, out var afterLine))
            {
                textEnd = lineStart;
                next = afterLine;
            }

            AddText(textStart, textEnd);
            Tag(kind, inner, argument, start);
            pos = textStart = next;
        }

        AddText(textStart, source.Length);
        for (var k = open.Count - 1; k >= 1 && !Full; k--)
        {
            var block = open[k];
            Error(block.Position, $"{block.Tag} is never closed (add {{{{/{WordOf(block.Kind)}}}}})");
        }

        if (Full)
        {
            errors.Add($"(stopped after {MaxErrors} problems)");
        }

        return new ParsedTemplate(source, [.. open[0].Then], errors);
    }

    private static TagKind Classify(ReadOnlySpan<char> inner, out string argument)
    {
        argument = string.Empty;
        if (inner.IsEmpty)
        {
            return TagKind.Invalid;
        }

        if (inner[0] == '!')
        {
            return TagKind.Comment;
        }

        if (inner[0] is '#' or '/')
        {
            var rest = inner[1..].Trim();
            var space = rest.IndexOfAny(" \t\r\n");
            var keyword = (space < 0 ? rest : rest[..space]).ToString();
            argument = space < 0 ? string.Empty : rest[space..].Trim().ToString();
            return (inner[0], keyword) switch
            {
                ('#', "each") => TagKind.Each,
                ('#', "if") => TagKind.If,
                ('/', "each") => TagKind.EndEach,
                ('/', "if") => TagKind.EndIf,
                ('#', "section") => TagKind.Section,
                ('/', "section") => TagKind.EndSection,
                _ => TagKind.Invalid,
            };
        }

        if (inner.SequenceEqual("else"))
        {
            return TagKind.Else;
        }

        argument = inner.ToString();
        return TagKind.Value;
    }

    private void Tag(TagKind kind, ReadOnlySpan<char> inner, string argument, int position)
    {
        var tag = Shown(inner);
        switch (kind)
        {
            case TagKind.Comment:
                break;
            case TagKind.Value:
                if (!IsName(argument))
                {
                    Error(position, $"{tag} is not a placeholder: write {{{{name}}}}, {{{{#each list}}}}, {{{{#if name}}}}, {{{{else}}}}, {{{{/each}}}}, {{{{/if}}}} or {{{{! comment }}}}");
                }
                else if (Resolve(argument, position, tag, forIf: false) is { } value)
                {
                    Add(new ValueNode(value));
                }

                break;
            case TagKind.Each:
                OpenEach(argument, position, tag);
                break;
            case TagKind.If:
                OpenIf(argument, position, tag);
                break;
            case TagKind.Else:
                Else(position, tag);
                break;
            case TagKind.EndEach:
                Close(BlockKind.Each, argument, position, tag);
                break;
            case TagKind.EndIf:
                Close(BlockKind.If, argument, position, tag);
                break;
            case TagKind.Section:
                OpenSection(argument, position, tag);
                break;
            case TagKind.EndSection:
                Close(BlockKind.Section, argument, position, tag);
                break;
            default:
                Error(position, inner.IsEmpty
                    ? "empty tag {{}}"
                    : inner[0] is '#' or '/'
                        ? $"unknown block {tag}: the blocks are {{{{#each list}}}}…{{{{/each}}}}, {{{{#if name}}}}…{{{{else}}}}…{{{{/if}}}} and {{{{#section name}}}}…{{{{/section}}}}"
                        : $"{tag} is not a placeholder");
                break;
        }
    }

    private void OpenEach(string name, int position, string tag)
    {
        if (!CanNest(position))
        {
            return;
        }

        ListDef? list = null;
        if (name.Length == 0)
        {
            Error(position, "{{#each}} needs a list name, for example {{#each timeline.key}}");
        }
        else if (!IsName(name))
        {
            Error(position, $"{tag}: one list name only, for example {{{{#each timeline.key}}}}");
        }
        else if (ReviewDocSchema.Lists.TryGetValue(name, out var known))
        {
            list = known;
        }
        else if (ReviewDocSchema.Values.ContainsKey(name) || InScopeField(name))
        {
            Error(position, $"{tag}: {name} is a single value, not a list (test it with {{{{#if {name}}}}})");
        }
        else
        {
            var suggestion = Closest(name, ReviewDocSchema.Lists.Keys);
            Error(position, suggestion is null
                ? $"unknown list {tag}; the lists are {string.Join(", ", ReviewDocSchema.Lists.Keys)}"
                : $"unknown list {tag} — did you mean {{{{#each {suggestion}}}}}?");
        }

        var depth = open.Count(b => b.Kind == BlockKind.Each);
        open.Add(new Block(BlockKind.Each, position, tag) { List = list, EachDepth = depth });
    }

    /// <summary>
    /// A section people write in: its name is how chat and the web address it, its body the prompt shown until someone
    /// writes. Sections belong to the document, not to an item, so they cannot sit inside another block.
    /// </summary>
    private void OpenSection(string name, int position, string tag)
    {
        if (open.Count > 1)
        {
            Error(position, $"{tag} is inside {open[^1].Tag}: a section cannot be inside another block");
        }
        else if (!ReviewDocSections.IsName(name))
        {
            Error(position, $"{tag}: a section needs one name of lower-case letters, digits and '-', for example {{{{#section contributing-factors}}}}");
        }
        else if (!sections.Add(name))
        {
            Error(position, $"{tag}: the section '{name}' is declared twice");
        }

        open.Add(new Block(BlockKind.Section, position, tag) { SectionName = ReviewDocSections.IsName(name) ? name : null });
    }

    private void OpenIf(string name, int position, string tag)
    {
        if (!CanNest(position))
        {
            return;
        }

        TemplateRef? condition = null;
        if (name.Length == 0)
        {
            Error(position, "{{#if}} needs a name, for example {{#if incident.service}}");
        }
        else if (!IsName(name))
        {
            Error(position, $"{tag}: one name only (no expressions), for example {{{{#if incident.service}}}}");
        }
        else
        {
            condition = Resolve(name, position, tag, forIf: true);
        }

        open.Add(new Block(BlockKind.If, position, tag) { Condition = condition });
    }

    private bool CanNest(int position)
    {
        if (open.Count - 1 < MaxDepth)
        {
            return true;
        }

        Error(position, $"blocks are nested more than {MaxDepth} deep");
        return false;
    }

    private void Else(int position, string tag)
    {
        var top = open[^1];
        if (top.Kind != BlockKind.If)
        {
            Error(position, top.Kind is BlockKind.Each or BlockKind.Section
                ? $"{tag} inside {top.Tag} (line {LineOf(top.Position)}): {{{{else}}}} belongs to {{{{#if …}}}}"
                : $"{tag} has no {{{{#if …}}}} before it");
        }
        else if (top.Else is not null)
        {
            Error(position, $"a second {tag} in {top.Tag} opened at line {LineOf(top.Position)}");
        }
        else
        {
            top.Else = [];
        }
    }

    private void Close(BlockKind kind, string argument, int position, string tag)
    {
        var word = WordOf(kind);
        if (argument.Length > 0)
        {
            Error(position, $"{tag}: write just {{{{/{word}}}}}");
        }

        var top = open[^1];
        if (top.Kind == kind)
        {
            open.RemoveAt(open.Count - 1);
            if (Built(top) is { } node)
            {
                Add(node);
            }

            return;
        }

        var match = open.FindLastIndex(b => b.Kind == kind);
        if (match < 1)
        {
            Error(position, $"{tag} has no matching {{{{#{word} …}}}}");
            return;
        }

        Error(position, $"{tag} closes {top.Tag} opened at line {LineOf(top.Position)}; close that first with {{{{/{WordOf(top.Kind)}}}}}");
        open.RemoveRange(match, open.Count - match);
    }

    private static TemplateNode? Built(Block block) => block.Kind switch
    {
        BlockKind.Each when block.List is not null => new EachNode(block.List, block.EachDepth, [.. block.Then]),
        BlockKind.If when block.Condition is not null => new IfNode(block.Condition, [.. block.Then], [.. block.Else ?? []]),
        BlockKind.Section when block.SectionName is not null => new SectionNode(block.SectionName, [.. block.Then]),
        _ => null,
    };

    private static string WordOf(BlockKind kind) => kind switch
    {
        BlockKind.Each => "each",
        BlockKind.Section => "section",
        _ => "if",
    };

    /// <summary>Inner each-blocks' item fields first, then the top-level values (and lists, for <c>{{#if}}</c>).</summary>
    private TemplateRef? Resolve(string name, int position, string tag, bool forIf)
    {
        var eachCount = open.Count(b => b.Kind == BlockKind.Each);
        if (name == "@index")
        {
            if (eachCount == 0)
            {
                Error(position, $"{tag} only works inside {{{{#each …}}}}");
                return null;
            }

            return new TemplateRef(RefKind.Index, null, null, eachCount - 1);
        }

        var unknownScope = false;
        var depth = eachCount - 1;
        for (var k = open.Count - 1; k >= 1; k--)
        {
            var block = open[k];
            if (block.Kind != BlockKind.Each)
            {
                continue;
            }

            if (block.List is null)
            {
                unknownScope = true;
            }
            else if (block.List.Fields.TryGetValue(name, out var field))
            {
                return new TemplateRef(RefKind.ItemField, field, null, depth);
            }

            depth--;
        }

        if (ReviewDocSchema.Values.TryGetValue(name, out var value))
        {
            return new TemplateRef(RefKind.Value, value, null, -1);
        }

        if (ReviewDocSchema.Lists.TryGetValue(name, out var list))
        {
            if (forIf)
            {
                return new TemplateRef(RefKind.List, null, list, -1);
            }

            Error(position, $"{tag} is a list: repeat it with {{{{#each {name}}}}}…{{{{/each}}}}");
            return null;
        }

        if (unknownScope)
        {
            return null; // inside an unknown list; that error is already reported
        }

        var owners = ReviewDocSchema.Lists.Values.Where(l => l.Fields.ContainsKey(name)).Select(l => $"{{{{#each {l.Name}}}}}").ToList();
        if (owners.Count > 0)
        {
            Error(position, $"{tag} only works inside {string.Join(" or ", owners)}");
            return null;
        }

        var suggestion = Closest(name, NamesInScope(forIf));
        Error(position, suggestion is null
            ? $"unknown placeholder {tag} (docs/review-template-reference.md lists them)"
            : $"unknown placeholder {tag} — did you mean {{{{{suggestion}}}}}?");
        return null;
    }

    private bool InScopeField(string name) =>
        open.Any(b => b.Kind == BlockKind.Each && b.List is not null && b.List.Fields.ContainsKey(name));

    private List<string> NamesInScope(bool withLists)
    {
        var names = new List<string>(ReviewDocSchema.Values.Keys);
        if (withLists)
        {
            names.AddRange(ReviewDocSchema.Lists.Keys);
        }

        foreach (var block in open.Where(b => b.Kind == BlockKind.Each && b.List is not null))
        {
            names.AddRange(block.List!.FieldNames);
            names.Add("@index");
        }

        return names;
    }

    /// <summary>The closest known name, if it is close enough to be a typo (case is ignored when comparing).</summary>
    internal static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var limit = Math.Clamp(name.Length / 3, 1, 3);
        foreach (var candidate in candidates)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Edit distance counting a swap of two neighbouring letters as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }

                d[i, j] = value;
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary><c>@index</c>, or dot-separated words of letters, digits and <c>_</c>, each starting with a letter.</summary>
    private static bool IsName(string name)
    {
        if (name == "@index")
        {
            return true;
        }

        if (name.Length == 0)
        {
            return false;
        }

        var segmentStart = true;
        foreach (var c in name)
        {
            if (segmentStart)
            {
                if (!char.IsAsciiLetter(c))
                {
                    return false;
                }

                segmentStart = false;
            }
            else if (c == '.')
            {
                segmentStart = true;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return !segmentStart;
    }

    /// <summary>Whether the tag at [start, end) is alone on its line (whitespace aside), and that line's bounds.</summary>
    private bool Standalone(int textStart, int start, int end, out int lineStart, out int afterLine)
    {
        lineStart = start;
        afterLine = end;
        while (lineStart > textStart && source[lineStart - 1] is ' ' or '\t')
        {
            lineStart--;
        }

        if (lineStart > 0 && source[lineStart - 1] != '\n')
        {
            return false;
        }

        var after = end;
        while (after < source.Length && source[after] is ' ' or '\t')
        {
            after++;
        }

        if (after == source.Length)
        {
            afterLine = after;
            return true;
        }

        if (source[after] == '\n')
        {
            afterLine = after + 1;
            return true;
        }

        if (source[after] == '\r' && after + 1 < source.Length && source[after + 1] == '\n')
        {
            afterLine = after + 2;
            return true;
        }

        return false;
    }

    private void AddText(int from, int to)
    {
        if (to <= from)
        {
            return;
        }

        var target = open[^1].Current;
        var text = source[from..to];
        if (target.Count > 0 && target[^1] is TextNode previous)
        {
            target[^1] = new TextNode(previous.Text + text);
        }
        else
        {
            target.Add(new TextNode(text));
        }
    }

    private void Add(TemplateNode node) => open[^1].Current.Add(node);

    private void Error(int position, string message)
    {
        if (Full)
        {
            return;
        }

        var line = LineOf(position);
        var column = position - lineStartAtCounted + 1;
        errors.Add($"line {line}, column {column}: {message}");
    }

    /// <summary>1-based line of a position; positions are asked for mostly in order, so counting resumes.</summary>
    private int LineOf(int position)
    {
        if (position < lineCountedTo)
        {
            lineCountedTo = 0;
            lineAtCounted = 1;
            lineStartAtCounted = 0;
        }

        for (var i = lineCountedTo; i < position; i++)
        {
            if (source[i] == '\n')
            {
                lineAtCounted++;
                lineStartAtCounted = i + 1;
            }
        }

        lineCountedTo = position;
        return lineAtCounted;
    }

    private static string Shown(ReadOnlySpan<char> inner)
    {
        var oneLine = inner.ToString().ReplaceLineEndings(" ");
        return "{{" + (oneLine.Length > MaxTagShown ? oneLine[..MaxTagShown] + "…" : oneLine) + "}}";
    }

    private sealed class Block(BlockKind kind, int position, string tag)
    {
        public BlockKind Kind { get; } = kind;

        public int Position { get; } = position;

        public string Tag { get; } = tag;

        public List<TemplateNode> Then { get; } = [];

        public List<TemplateNode>? Else { get; set; }

        public List<TemplateNode> Current => Else ?? Then;

        public ListDef? List { get; init; }

        public TemplateRef? Condition { get; init; }

        public int EachDepth { get; init; }

        public string? SectionName { get; init; }
    }
}
