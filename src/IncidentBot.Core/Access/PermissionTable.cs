namespace IncidentBot.Core.Access;

/// <summary>
/// Who may do what: the defaults, overridden row by row by <c>Incidents:Permissions</c>. A configured row replaces
/// its default entirely, so a team tightens or loosens one action without restating the others.
/// </summary>
public sealed class PermissionTable
{
    public const string Key = "Incidents:Permissions";

    private static readonly Grantee[] Responders = [Grantee.Declarer, Grantee.Roles, Grantee.Facilitators];

    /// <summary>The review's doc and follow-ups are the work of the people who were in the incident, and of facilitators.</summary>
    private static readonly Grantee[] Contributors = [Grantee.Members, Grantee.Facilitators];

    private readonly Dictionary<IncidentAction, IReadOnlyList<Grantee>> _rows;

    private PermissionTable(Dictionary<IncidentAction, IReadOnlyList<Grantee>> rows) => _rows = rows;

    public static IReadOnlyDictionary<IncidentAction, IReadOnlyList<Grantee>> Defaults { get; } = new Dictionary<IncidentAction, IReadOnlyList<Grantee>>
    {
        [IncidentAction.Declare] = [Grantee.Anyone],
        [IncidentAction.Note] = [Grantee.Anyone],
        [IncidentAction.Update] = [Grantee.Anyone],
        [IncidentAction.Capture] = [Grantee.Anyone],
        [IncidentAction.ActionItems] = [Grantee.Anyone],
        [IncidentAction.TakeRole] = [Grantee.Anyone],
        [IncidentAction.ReassignRole] = [Grantee.Holder, Grantee.Lead, Grantee.Facilitators],
        [IncidentAction.Status] = Responders,
        [IncidentAction.Severity] = Responders,
        [IncidentAction.ImpactStarted] = Responders,
        [IncidentAction.Resolve] = Responders,
        [IncidentAction.Cancel] = Responders,
        [IncidentAction.Duplicate] = Responders,
        [IncidentAction.Reopen] = Responders,
        [IncidentAction.EditTimeline] = [Grantee.Facilitators],
        [IncidentAction.ReviewDoc] = [Grantee.Anyone],
        [IncidentAction.RequestReview] = [Grantee.Anyone],
        [IncidentAction.ReviewSchedule] = [Grantee.Facilitators],
        [IncidentAction.ReviewMeeting] = [Grantee.Facilitators],
        [IncidentAction.WriteReviewSection] = Contributors,
        [IncidentAction.MarkKeyMoment] = Contributors,
        [IncidentAction.RefreshFrozenReviewDoc] = [Grantee.Facilitators],
        [IncidentAction.CloseActionItem] = Contributors,
        [IncidentAction.ReopenActionItem] = Contributors,
        [IncidentAction.ActionItemDue] = Contributors,
        [IncidentAction.ActionItemLink] = Contributors,
        [IncidentAction.ReviewNote] = [Grantee.Facilitators],
    };

    /// <summary>The words a setting may use, as typed: <c>anyone</c>, <c>members</c>, <c>declarer</c> …</summary>
    public static IReadOnlyList<string> GranteeWords { get; } = Enum.GetValues<Grantee>().Select(Word).ToList();

    public IReadOnlyList<Grantee> For(IncidentAction action) => _rows[action];

    public static string Word(Grantee grantee) => grantee.ToString().ToLowerInvariant();

    /// <summary>
    /// The table from the configured rows; every problem is added to <paramref name="errors"/> naming its key, and the
    /// table is null when there was one.
    /// </summary>
    public static PermissionTable? From(IReadOnlyDictionary<string, List<string>>? configured, List<string> errors)
    {
        var rows = Defaults.ToDictionary(r => r.Key, r => r.Value);
        var before = errors.Count;
        foreach (var (key, words) in configured ?? new Dictionary<string, List<string>>())
        {
            if (!Enum.TryParse<IncidentAction>(key, ignoreCase: true, out var action) || !Enum.IsDefined(action) || key.Any(char.IsDigit))
            {
                errors.Add($"{Key}:{key} is not an action. Actions: {string.Join(", ", Enum.GetNames<IncidentAction>())}.");
                continue;
            }

            if (words.Count == 0)
            {
                errors.Add($"{Key}:{key} names nobody: write a list, for example {Key}:{key} = [\"declarer\", \"roles\", \"facilitators\"].");
                continue;
            }

            var grantees = new List<Grantee>();
            for (var i = 0; i < words.Count; i++)
            {
                var word = words[i]?.Trim() ?? string.Empty;
                if (!Enum.TryParse<Grantee>(word, ignoreCase: true, out var grantee) || !Enum.IsDefined(grantee) || word.Any(char.IsDigit))
                {
                    errors.Add($"{Key}:{key}:{i} '{words[i]}' is not one of {string.Join(", ", GranteeWords)}.");
                }
                else if (grantee == Grantee.Holder && action != IncidentAction.ReassignRole)
                {
                    errors.Add($"{Key}:{key}:{i} 'holder' applies only to {nameof(IncidentAction.ReassignRole)} (the holder of the role handed over).");
                }
                else if (action == IncidentAction.Declare && grantee is not (Grantee.Anyone or Grantee.Facilitators))
                {
                    errors.Add($"{Key}:{key}:{i} '{word}': before an incident exists it has no {word}; {nameof(IncidentAction.Declare)} takes anyone or facilitators.");
                }
                else
                {
                    grantees.Add(grantee);
                }
            }

            rows[action] = grantees.Distinct().ToList();
        }

        return errors.Count == before ? new PermissionTable(rows) : null;
    }
}
