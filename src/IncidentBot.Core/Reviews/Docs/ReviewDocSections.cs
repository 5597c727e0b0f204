using System.Text.RegularExpressions;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>A section people write in, as the generated document declares it: its name and the prompt shown until someone writes.</summary>
public sealed class ReviewDocSection
{
    public required string Name { get; set; }

    public string Prompt { get; set; } = string.Empty;
}

/// <summary>
/// The sections of a review document. The generated document holds a marker where each section goes; the text people
/// wrote replaces it whenever the document is read, so regenerating (or freezing) the generated parts never touches
/// what people wrote, and what they write shows at once.
/// </summary>
public static partial class ReviewDocSections
{
    /// <summary>The most characters one section may hold.</summary>
    public const int MaxLength = 8000;

    public static bool IsName(string? name) => name is { Length: > 0 and <= 40 } && NamePattern().IsMatch(name);

    /// <summary>"contributing-factors" → "Contributing factors": how the web and chat name a section.</summary>
    public static string TitleOf(string name)
    {
        var words = name.Replace('-', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }

    internal static string Marker(string name) => $"<!--incidentbot-section:{name}-->";

    /// <summary>
    /// The document as people read it: each section's marker replaced by what was written in it (<paramref name="written"/>,
    /// by section name), or by its prompt. One pass over the generated text, so written text is never read as a marker.
    /// </summary>
    public static string Compose(string generated, IReadOnlyList<ReviewDocSection> sections, IReadOnlyDictionary<string, string> written)
    {
        ArgumentNullException.ThrowIfNull(generated);
        if (sections is not { Count: > 0 })
        {
            return generated;
        }

        var prompts = sections.ToDictionary(s => s.Name, s => s.Prompt, StringComparer.Ordinal);
        return MarkerPattern().Replace(generated, match =>
        {
            var name = match.Groups[1].Value;
            if (written.TryGetValue(name, out var text) && !string.IsNullOrWhiteSpace(text))
            {
                return text.TrimEnd();
            }

            return prompts.TryGetValue(name, out var prompt) ? prompt : string.Empty;
        });
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("<!--incidentbot-section:([a-z0-9-]+)-->", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();
}
