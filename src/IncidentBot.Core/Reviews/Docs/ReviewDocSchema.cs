using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;

namespace IncidentBot.Core.Reviews.Docs;

/// <summary>A value a template can insert: from the document (top level) or from the item of a list.</summary>
internal sealed class FieldDef(string name, Func<ReviewDocModel, object, TemplateValue> read)
{
    public string Name { get; } = name;

    public TemplateValue Read(ReviewDocModel model, object source) => read(model, source);
}

/// <summary>A list a template can repeat with <c>{{#each}}</c>, and the fields of its items.</summary>
internal sealed class ListDef
{
    private readonly Func<ReviewDocModel, IReadOnlyList<object>> items;

    public ListDef(string name, Func<ReviewDocModel, IReadOnlyList<object>> items, params FieldDef[] fields)
    {
        Name = name;
        this.items = items;
        Fields = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        FieldNames = [.. fields.Select(f => f.Name)];
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, FieldDef> Fields { get; }

    public IReadOnlyList<string> FieldNames { get; }

    public IReadOnlyList<object> Items(ReviewDocModel model) => items(model);
}

/// <summary>
/// Every placeholder and list the review template knows. Names are case-sensitive. Adding one here makes it
/// valid in templates; document it in docs/review-template-reference.md (a test checks that).
/// </summary>
internal static class ReviewDocSchema
{
    public static readonly IReadOnlyDictionary<string, FieldDef> Values = Index(
    [
        Value("incident.reference", m => TemplateValue.OfText(m.Incident.Summary.Reference)),
        Value("incident.title", m => TemplateValue.OfText(m.Incident.Summary.Title)),
        Value("incident.severity", m => TemplateValue.OfText(m.Incident.Summary.Severity)),
        Value("incident.peakSeverity", m => TemplateValue.OfText(m.PeakSeverity)),
        Value("incident.status", m => TemplateValue.OfText(m.Incident.Summary.Status.ToWord())),
        Value("incident.service", m => TemplateValue.OfText(m.Incident.Summary.Service)),
        Value("incident.private", m => TemplateValue.OfFlag(m.Incident.Summary.IsPrivate)),
        Value("incident.url", m => TemplateValue.OfLink(m.IncidentUrl, m.IncidentUrl)),
        Value("incident.summary", m => TemplateValue.OfText(m.Incident.ResolutionSummary)),
        Value("incident.description", m => TemplateValue.OfText(m.Incident.Description)),
        Value("incident.cancelReason", m => TemplateValue.OfText(m.Incident.CancelReason)),
        Value("incident.duplicateOf", m => TemplateValue.OfText(Reference(m.Incident.DuplicateOfNumber))),
        Value("incident.declaredBy", m => TemplateValue.OfText(m.Incident.DeclaredBy?.Name)),
        Value("times.impactStarted", m => TemplateValue.OfTime(m.Incident.ImpactStartedAt)),
        Value("times.declared", m => TemplateValue.OfTime(m.Incident.Summary.DeclaredAt)),
        Value("times.acknowledged", m => TemplateValue.OfTime(m.AcknowledgedAt)),
        Value("times.identified", m => TemplateValue.OfTime(m.Incident.IdentifiedAt)),
        Value("times.mitigated", m => TemplateValue.OfTime(m.Incident.MitigatedAt)),
        Value("times.resolved", m => TemplateValue.OfTime(m.Incident.ResolvedAt)),
        Value("durations.from", m => TemplateValue.OfText(m.MeasuredFromImpact ? "the start of impact" : "the declare")),
        Value("durations.toDetect", m => TemplateValue.OfDuration(m.ToDetect)),
        Value("durations.toAcknowledge", m => TemplateValue.OfDuration(m.ToAcknowledge)),
        Value("durations.toIdentify", m => TemplateValue.OfDuration(m.ToIdentify)),
        Value("durations.toMitigate", m => TemplateValue.OfDuration(m.ToMitigate)),
        Value("durations.toResolve", m => TemplateValue.OfDuration(m.ToResolve)),
        Value("durations.impact", m => TemplateValue.OfDuration(m.Impact)),
        Value("zone", m => TemplateValue.OfText(m.Zone.Id)),
        Value("generatedAt", m => TemplateValue.OfTime(m.GeneratedAtUtc)),
    ]);

    public static readonly IReadOnlyDictionary<string, ListDef> Lists = new[]
    {
        new ListDef(
            "roles",
            m => m.Incident.Roles ?? [],
            Field<RoleView>("role", r => TemplateValue.OfText(r.Role)),
            Field<RoleView>("holder", r => TemplateValue.OfText(r.Holder?.Name)),
            Field<RoleView>("since", r => TemplateValue.OfTime(r.Since))),
        new ListDef(
            "handovers",
            m => m.Handovers,
            Field<Handover>("role", h => TemplateValue.OfText(h.Role)),
            Field<Handover>("from", h => TemplateValue.OfText(h.From)),
            Field<Handover>("to", h => TemplateValue.OfText(h.To)),
            Field<Handover>("at", h => TemplateValue.OfTime(h.At))),
        History("statusHistory", m => m.StatusHistory),
        History("severityHistory", m => m.SeverityHistory),
        Timeline("timeline.key", m => m.KeyTimeline),
        Timeline("timeline.full", m => m.FullTimeline),
        new ListDef(
            "actions",
            m => m.Incident.ActionItems ?? [],
            Field<ActionItemView>("text", a => TemplateValue.OfText(a.Text)),
            Field<ActionItemView>("owner", a => TemplateValue.OfText(a.Owner?.Name)),
            Field<ActionItemView>("done", a => TemplateValue.OfFlag(a.Done)),
            Field<ActionItemView>("number", a => TemplateValue.OfText(a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Field<ActionItemView>("status", a => TemplateValue.OfText(a.StatusWord)),
            Field<ActionItemView>("due", a => TemplateValue.OfText(a.DueOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))),
            Field<ActionItemView>("link", a => TemplateValue.OfText(a.Link)),
            Field<ActionItemView>("reason", a => TemplateValue.OfText(a.Reason))),
        new ListDef(
            "channels",
            m => m.Incident.Channels ?? [],
            Field<ChannelView>("platform", c => TemplateValue.OfText(c.Platform)),
            Field<ChannelView>("name", c => TemplateValue.OfText(c.Name)),
            Field<ChannelView>("id", c => TemplateValue.OfText(c.ChannelId))),
        new ListDef(
            "earlierResolutions",
            m => m.Incident.Resolutions.Count > 1 ? m.Incident.Resolutions.Take(m.Incident.Resolutions.Count - 1).ToList() : [],
            Field<ResolutionView>("at", r => TemplateValue.OfTime(r.At)),
            Field<ResolutionView>("by", r => TemplateValue.OfText(r.By.Name)),
            Field<ResolutionView>("summary", r => TemplateValue.OfText(r.Summary))),
    }.ToDictionary(l => l.Name, StringComparer.Ordinal);

    private static ListDef History(string name, Func<ReviewDocModel, IReadOnlyList<StatusChange>> items) => new(
        name,
        items,
        Field<StatusChange>("at", s => TemplateValue.OfTime(s.At)),
        Field<StatusChange>("from", s => TemplateValue.OfText(s.From)),
        Field<StatusChange>("to", s => TemplateValue.OfText(s.To)),
        Field<StatusChange>("by", s => TemplateValue.OfText(s.By)));

    private static ListDef Timeline(string name, Func<ReviewDocModel, IReadOnlyList<TimelineEntryView>> items) => new(
        name,
        items,
        Field<TimelineEntryView>("time", e => TemplateValue.OfTime(e.OccurredAt)),
        Field<TimelineEntryView>("author", e => TemplateValue.OfText(e.Author?.Name)),
        Field<TimelineEntryView>("label", e => TemplateValue.OfText(TimelineLabels.Of(e.Kind))),
        new FieldDef("text", (m, e) => TemplateValue.OfText(TimelineText(m, (TimelineEntryView)e))),
        Field<TimelineEntryView>("link", e => TemplateValue.OfLink("link", e.Link)),
        Field<TimelineEntryView>("mergedFrom", e => TemplateValue.OfText(Reference(e.MergedFromNumber))));

    /// <summary>The entry's line; "impact started" is restated in the meeting's zone (the stored text says UTC).</summary>
    private static string TimelineText(ReviewDocModel model, TimelineEntryView entry)
    {
        if (entry.Kind == TimelineKind.ImpactStartedSet
            && DateTime.TryParse(entry.After, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            return "Impact started at " + model.FormatTime(at);
        }

        return entry.Describe();
    }

    private static string? Reference(int? number) => number is { } n ? $"INC-{n}" : null;

    private static FieldDef Value(string name, Func<ReviewDocModel, TemplateValue> read) => new(name, (m, _) => read(m));

    private static FieldDef Field<T>(string name, Func<T, TemplateValue> read) => new(name, (_, item) => read((T)item));

    private static Dictionary<string, FieldDef> Index(FieldDef[] fields) => fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
}
