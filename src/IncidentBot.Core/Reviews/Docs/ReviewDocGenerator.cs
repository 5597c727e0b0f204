using System.Globalization;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>
/// Writes the Markdown incident review document: facts the bot knows (times, durations, roles, the key timeline,
/// action items, links) and short prompts for what only people can write. A custom template that has errors is
/// not used: the document comes from the built-in template and the errors are returned for the admin to fix.
/// </summary>
public static class ReviewDocGenerator
{
    /// <summary>The most characters a custom template may produce (the built-in one has no limit).</summary>
    public const int MaxCustomDocumentLength = 20_000_000;

    public static ReviewDocResult Generate(ReviewDocContext context, string? customTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = new ReviewDocModel(context);
        IReadOnlyList<string> errors = [];
        if (customTemplate is not null)
        {
            var custom = ReviewDocTemplate.Parsed(customTemplate);
            if (custom.Errors.Count > 0)
            {
                errors = custom.Errors;
            }
            else if (TemplateRenderer.Render(custom, model, MaxCustomDocumentLength, out var customSections) is { } markdown)
            {
                return new ReviewDocResult(markdown, errors, customSections);
            }
            else
            {
                errors = [string.Create(CultureInfo.InvariantCulture, $"the document from this template would be longer than {MaxCustomDocumentLength:N0} characters (is a list repeated inside another list?)")];
            }
        }

        var document = TemplateRenderer.Render(ReviewDocTemplate.ParsedDefault, model, long.MaxValue, out var sections)!;
        return new ReviewDocResult(document, errors, sections);
    }
}
