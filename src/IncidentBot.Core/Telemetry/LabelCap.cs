namespace IncidentBot.Core.Telemetry;

/// <summary>
/// Keeps a free-text label (an incident's service) to a bounded set of values: the <c>Telemetry:MaxServiceLabels</c>
/// most frequent among recent incidents keep their name, the rest are <c>other</c>, and no value is <c>none</c>.
/// Every distinct value would otherwise be a new series in every scraper, for ever.
/// </summary>
public sealed class LabelCap(int max)
{
    public const string Other = "other";
    public const string None = "none";

    private volatile HashSet<string> _kept = new(StringComparer.OrdinalIgnoreCase);

    public int Max { get; } = max;

    /// <summary>How many values <see cref="Of"/> can give with <paramref name="max"/> kept: those, <c>other</c> and <c>none</c>.</summary>
    public static int ValuesWith(int max) => max + 2;

    public string Of(string? value) =>
        string.IsNullOrWhiteSpace(value) ? None : _kept.Contains(value.Trim()) ? value.Trim().ToLowerInvariant() : Other;

    /// <summary>Keeps the most frequent of <paramref name="recent"/> (ties: the first seen).</summary>
    public void Update(IEnumerable<string?> recent)
    {
        var top = recent
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => v!.Trim())
            .GroupBy(v => v, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count())
            .Take(Max)
            .Select(g => g.Key);
        _kept = new HashSet<string>(top, StringComparer.OrdinalIgnoreCase);
    }
}
