namespace IncidentBot.Core.Reviews;

/// <summary>
/// What the planner needs to know of a resolved incident. <paramref name="PresenterKey"/> defaults to the
/// incident's commander (the caller fills it); the planner only carries it.
/// </summary>
public sealed record ReviewCandidate(
    long IncidentId,
    int Number,
    string Severity,
    string? Service,
    IReadOnlyList<string> Tags,
    bool IsCancelledOrDuplicate,
    DateTime ResolvedAtUtc,
    string? PresenterKey)
{
    public string Reference => $"INC-{Number}";

    /// <summary>
    /// What makes incidents related: <c>service:&lt;name&gt;</c> and one <c>tag:&lt;name&gt;</c> per tag, trimmed and
    /// lower-cased. A service and a tag of the same word are different keys.
    /// </summary>
    public IReadOnlySet<string> RelationKeys
    {
        get
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            if (!string.IsNullOrWhiteSpace(Service))
            {
                keys.Add("service:" + Service.Trim().ToLowerInvariant());
            }

            foreach (var tag in Tags ?? [])
            {
                if (!string.IsNullOrWhiteSpace(tag))
                {
                    keys.Add("tag:" + tag.Trim().TrimStart('#').ToLowerInvariant());
                }
            }

            return keys;
        }
    }

    /// <summary>Same service, or at least one tag in common (case-insensitive).</summary>
    public bool IsRelatedTo(ReviewCandidate other) => RelationKeys.Overlaps(other.RelationKeys);
}
