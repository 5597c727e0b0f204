using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>A status (or severity) change as the review reads it.</summary>
internal sealed record StatusChange(DateTime At, string? From, string To, string By);

/// <summary>A role passing from one person to the next.</summary>
internal sealed record Handover(string Role, string From, string To, DateTime At);

/// <summary>
/// Everything the template reads, worked out once per document: the visible timeline in order, its key part,
/// the status and severity history, role handovers, the highest severity reached and the durations.
/// </summary>
internal sealed class ReviewDocModel
{
    private static readonly string[] NoSeverities = [];

    public ReviewDocModel(ReviewDocContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(context.Incident);
        Incident = context.Incident;
        Zone = context.Zone ?? TimeZoneInfo.Utc;
        IncidentUrl = context.IncidentUrl;
        GeneratedAtUtc = ZoneMath.Utc(context.GeneratedAtUtc);

        FullTimeline = VisibleInOrder(Incident.Timeline ?? []);
        var key = new List<TimelineEntryView>(Math.Min(FullTimeline.Count, 1024));
        var status = new List<StatusChange>();
        var severity = new List<StatusChange>();
        foreach (var entry in FullTimeline)
        {
            if (entry.Key ?? Domain.Incident.IsKeyByDefault(entry.Kind))
            {
                key.Add(entry);
            }

            // Entries merged in from a duplicate describe that incident's status, not this one's.
            if (entry.MergedFromNumber is not null)
            {
                continue;
            }

            if (IsStatusChange(entry.Kind) && entry.After is { Length: > 0 } to)
            {
                status.Add(new StatusChange(entry.OccurredAt, entry.Before, to, entry.Author.Name));
            }
            else if (entry.Kind == TimelineKind.SeverityChanged && entry.After is { Length: > 0 } newSeverity)
            {
                severity.Add(new StatusChange(entry.OccurredAt, entry.Before, newSeverity, entry.Author.Name));
            }
        }

        KeyTimeline = key;
        StatusHistory = status;
        SeverityHistory = severity;
        Handovers = HandoversOf(Incident.RoleHistory ?? []);
        PeakSeverity = Highest(Incident.Summary.Severity, severity, context.SeverityOrder ?? NoSeverities);

        // Every duration tells the story from the customers' side: it runs from the start of impact when it is known
        // (and came before the declare), else from the declare.
        var declared = ZoneMath.Utc(Incident.Summary.DeclaredAt);
        var start = Incident.ImpactStartedAt is { } impactStarted && ZoneMath.Utc(impactStarted) < declared ? ZoneMath.Utc(impactStarted) : declared;
        MeasuredFromImpact = start < declared;
        AcknowledgedAt = (Incident.RoleHistory ?? []).Where(r => r is not null).Select(r => (DateTime?)ZoneMath.Utc(r.From)).Min();
        ToDetect = Incident.ImpactStartedAt is null ? null : declared - start;
        ToAcknowledge = Since(start, AcknowledgedAt);
        ToIdentify = Since(start, Incident.IdentifiedAt);
        ToMitigate = Since(start, Incident.MitigatedAt);
        ToResolve = Since(start, Incident.ResolvedAt);
        if (Incident.ImpactStartedAt is not null && Incident.ResolvedAt is { } resolved)
        {
            Impact = ZoneMath.Utc(resolved) - start;
        }
    }

    public IncidentDetails Incident { get; }

    public TimeZoneInfo Zone { get; }

    public string? IncidentUrl { get; }

    public DateTime GeneratedAtUtc { get; }

    /// <summary>Every entry that is not hidden, oldest first.</summary>
    public IReadOnlyList<TimelineEntryView> FullTimeline { get; }

    /// <summary>The key moments: changes of status and severity, and what people marked (role handovers are in the roles).</summary>
    public IReadOnlyList<TimelineEntryView> KeyTimeline { get; }

    public IReadOnlyList<StatusChange> StatusHistory { get; }

    public IReadOnlyList<StatusChange> SeverityHistory { get; }

    public IReadOnlyList<Handover> Handovers { get; }

    public string PeakSeverity { get; }

    /// <summary>True when the durations run from the start of impact (it came before the declare), false: from the declare.</summary>
    public bool MeasuredFromImpact { get; }

    /// <summary>When someone first took a role: the response was acknowledged.</summary>
    public DateTime? AcknowledgedAt { get; }

    /// <summary>From the start of impact to the declare (null when the start of impact is not known).</summary>
    public TimeSpan? ToDetect { get; }

    public TimeSpan? ToAcknowledge { get; }

    public TimeSpan? ToIdentify { get; }

    public TimeSpan? ToMitigate { get; }

    public TimeSpan? ToResolve { get; }

    public TimeSpan? Impact { get; }

    public const string TimeFormat = "yyyy-MM-dd HH:mm";

    public DateTime ToZone(DateTime value) => TimeZoneInfo.ConvertTimeFromUtc(ZoneMath.Utc(value), Zone);

    public string FormatTime(DateTime value) => ToZone(value).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static bool IsStatusChange(TimelineKind kind) => kind is TimelineKind.Declared or TimelineKind.StatusChanged
        or TimelineKind.Resolved or TimelineKind.Cancelled or TimelineKind.MarkedDuplicate or TimelineKind.Reopened;

    private static List<TimelineEntryView> VisibleInOrder(IReadOnlyList<TimelineEntryView> timeline)
    {
        var visible = new List<TimelineEntryView>(timeline.Count);
        var sorted = true;
        TimelineEntryView? previous = null;
        foreach (var entry in timeline)
        {
            if (entry is null || entry.Hidden)
            {
                continue;
            }

            if (previous is not null && Compare(previous, entry) > 0)
            {
                sorted = false;
            }

            visible.Add(entry);
            previous = entry;
        }

        if (!sorted)
        {
            // Stable: entries at the same moment with the same id keep their order.
            var ordered = visible.Select((e, i) => (e, i)).ToList();
            ordered.Sort((a, b) => Compare(a.e, b.e) is var c && c != 0 ? c : a.i.CompareTo(b.i));
            visible = ordered.ConvertAll(x => x.e);
        }

        return visible;
    }

    private static int Compare(TimelineEntryView a, TimelineEntryView b)
    {
        var byTime = ZoneMath.Utc(a.OccurredAt).CompareTo(ZoneMath.Utc(b.OccurredAt));
        return byTime != 0 ? byTime : a.Id.CompareTo(b.Id);
    }

    private static List<Handover> HandoversOf(IReadOnlyList<RoleHistoryView> history)
    {
        var handovers = new List<Handover>();
        var current = new Dictionary<string, RoleHistoryView>(StringComparer.OrdinalIgnoreCase);
        foreach (var held in history.Where(h => h is not null).OrderBy(h => ZoneMath.Utc(h.From)))
        {
            if (current.TryGetValue(held.Role, out var before))
            {
                handovers.Add(new Handover(held.Role, before.Holder.Name, held.Holder.Name, held.From));
            }

            current[held.Role] = held;
        }

        return handovers;
    }

    private static string Highest(string current, List<StatusChange> changes, IReadOnlyList<string> order)
    {
        var best = current;
        var bestRank = RankOf(current, order);
        foreach (var change in changes)
        {
            foreach (var severity in new[] { change.From, change.To })
            {
                var rank = RankOf(severity, order);
                if (rank >= 0 && (bestRank < 0 || rank < bestRank))
                {
                    best = severity!;
                    bestRank = rank;
                }
            }
        }

        return best;
    }

    private static int RankOf(string? severity, IReadOnlyList<string> order)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (string.Equals(order[i], severity?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static TimeSpan? Since(DateTime start, DateTime? at) => at is { } value ? ZoneMath.Utc(value) - start : null;
}
