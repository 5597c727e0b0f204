namespace IncidentBot.Core.Storage;

/// <summary>
/// Ordering keys with lanes (see <see cref="WorkItem"/>'s rules). <c>F/L</c> is lane <c>L</c> of the family <c>F</c>,
/// and <c>F/*</c> is the whole family: lanes of one family do not wait for each other, but each waits for the earlier
/// items of the whole, and the whole waits for the earlier items of every lane. An incident's channel is its whole
/// (nothing goes into a channel before it exists, and its archive waits for everything before it); its posts, its
/// members and its announcements are lanes. A key without a <c>/</c> is a key of its own.
/// </summary>
public static class OrderingKeys
{
    public const char Separator = '/';
    public const string WholeLane = "*";
    public const string PostsLane = "posts";
    public const string MembersLane = "members";
    public const string AnnouncementsLane = "announcements";

    /// <summary>
    /// The lanes there are, by name: few and known, so a store finds the earlier items a whole waits for by their exact
    /// keys (an index lookup) instead of by a prefix, which a database's collation need not keep together.
    /// </summary>
    public static IReadOnlyList<string> Lanes { get; } = [PostsLane, MembersLane, AnnouncementsLane];

    public static string Whole(string family) => $"{family}{Separator}{WholeLane}";

    public static string Lane(string family, string lane) => Lanes.Contains(lane)
        ? $"{family}{Separator}{lane}"
        : throw new ArgumentException($"'{lane}' is not one of the lanes ({string.Join(", ", Lanes)}).", nameof(lane));

    /// <summary>
    /// The family of a key with lanes and the lane it names (<see cref="WholeLane"/> for the whole); null for a key of its
    /// own. Items written before lanes existed carry the bare family name (<c>F</c>): they count as the whole.
    /// </summary>
    public static (string Family, string Lane)? Parse(string key)
    {
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? null : (key[..at], key[(at + 1)..]);
    }
}
