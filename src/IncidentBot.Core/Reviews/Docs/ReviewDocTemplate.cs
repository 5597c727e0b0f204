namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// The review document's template: the built-in one, and a check for an admin's replacement
/// (<c>Reviews:TemplatePath</c>). The language and every placeholder are described in docs/review-template-reference.md.
/// </summary>
public static class ReviewDocTemplate
{
    private static readonly Lazy<ParsedTemplate> DefaultParsed = new(() =>
    {
        var parsed = TemplateParser.Parse(DefaultReviewTemplate.Text);
        return parsed.Errors.Count == 0
            ? parsed
            : throw new InvalidOperationException("The built-in review template is invalid: " + string.Join("; ", parsed.Errors));
    });

    private static ParsedTemplate? lastCustom;

    /// <summary>The built-in template text (also docs/review-template.md).</summary>
    public static string Default => DefaultReviewTemplate.Text;

    /// <summary>Top-level placeholders, for <c>{{name}}</c> and <c>{{#if name}}</c>.</summary>
    public static IReadOnlyList<string> Values { get; } = [.. ReviewDocSchema.Values.Keys];

    /// <summary>Lists for <c>{{#each list}}</c>, with the fields of their items.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; } =
        ReviewDocSchema.Lists.ToDictionary(l => l.Key, l => l.Value.FieldNames, StringComparer.Ordinal);

    /// <summary>
    /// Parses a template and returns its problems, each with its line and column, for example
    /// <c>line 12, column 3: unknown placeholder {{incident.titel}} — did you mean {{incident.title}}?</c> or
    /// <c>line 30, column 1: {{#each timeline.key}} is never closed (add {{/each}})</c>. Empty when it can be used.
    /// </summary>
    public static IReadOnlyList<string> Validate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Parsed(template).Errors;
    }

    internal static ParsedTemplate ParsedDefault => DefaultParsed.Value;

    /// <summary>Parses <paramref name="template"/>, reusing the last custom template's parse when the text is the same.</summary>
    internal static ParsedTemplate Parsed(string template)
    {
        if (ReferenceEquals(template, DefaultReviewTemplate.Text))
        {
            return DefaultParsed.Value;
        }

        var last = Volatile.Read(ref lastCustom);
        if (last is not null && string.Equals(last.Source, template, StringComparison.Ordinal))
        {
            return last;
        }

        var parsed = TemplateParser.Parse(template);
        Volatile.Write(ref lastCustom, parsed);
        return parsed;
    }
}
