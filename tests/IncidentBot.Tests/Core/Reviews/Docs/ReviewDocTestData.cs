using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Reviews.Docs;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Core.Reviews.Docs;

/// <summary>
/// INC-42, declared in Berlin in the night the clocks go forward (2026-03-29, 02:00 CET → 03:00 CEST at 01:00Z):
/// declared 00:40Z (01:40 local), identified 01:20Z (03:20), mitigated 02:00Z (04:00), resolved 03:10Z (05:10),
/// impact from 00:25Z (01:25). Wall clocks say 3h30 from declare to resolve; it took 2h30.
/// </summary>
internal static class ReviewDocTestData
{
    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static readonly IReadOnlyList<string> Severities = ["SEV1", "SEV2", "SEV3", "SEV4"];

    public static readonly PersonView Alice = new("slack:UALICE", "Alice");
    public static readonly PersonView Bob = new("slack:UBOB", "Bob");
    public static readonly PersonView Carol = new("slack:UCAROL", "Carol");
    public static readonly PersonView Dave = new("slack:UDAVE", "Dave");

    public const string Url = "https://incidents.example.com/incidents/42";

    public static DateTime At(int hour, int minute, int day = 29) => new(2026, 3, day, hour, minute, 0, DateTimeKind.Utc);

    public static TimelineEntryView Entry(
        long id, TimelineKind kind, DateTime at, PersonView author, string text,
        string? before = null, string? after = null, string? link = null, bool hidden = false, int? mergedFrom = null) =>
        new(id, kind, at, author, text, before, after, link, hidden, mergedFrom);

    public static List<TimelineEntryView> Timeline() =>
    [
        Entry(1, TimelineKind.Declared, At(0, 40), Alice, "Declared SEV2: Checkout payments failing", after: "investigating"),
        Entry(2, TimelineKind.RoleAssigned, At(0, 41), Alice, "commander assigned", after: "Alice"),
        Entry(3, TimelineKind.MemberJoined, At(0, 42), Bob, "Bob joined"),
        Entry(4, TimelineKind.Captured, At(0, 45), Bob, "Error rate on /pay is 40%", link: "https://chat.example.com/archives/C1/p1"),
        Entry(5, TimelineKind.Update, At(0, 50), Alice, "We are investigating elevated payment errors."),
        Entry(6, TimelineKind.SeverityChanged, At(0, 55), Alice, "Severity SEV2 → SEV1", "SEV2", "SEV1"),
        Entry(7, TimelineKind.Note, At(1, 5), Bob, "Rollback of the payments config started"),
        Entry(8, TimelineKind.Captured, At(1, 6), Bob, "SECRET customer list", hidden: true),
        Entry(9, TimelineKind.StatusChanged, At(1, 20), Bob, "Status investigating → identified: bad config", "investigating", "identified"),
        Entry(10, TimelineKind.RoleAssigned, At(1, 30), Alice, "commander handed over", "Alice", "Carol"),
        Entry(11, TimelineKind.ActionItemAdded, At(1, 35), Carol, "Action item: Alert on payment error rate", after: Dave.Key),
        Entry(12, TimelineKind.StatusChanged, At(2, 0), Carol, "Status identified → monitoring", "identified", "monitoring"),
        Entry(13, TimelineKind.ImpactStartedSet, At(2, 5), Carol, "Impact started at 2026-03-29 00:25 UTC", null, "2026-03-29T00:25:00.0000000Z"),
        Entry(14, TimelineKind.MemberLeft, At(2, 10), Bob, "Bob left"),
        Entry(15, TimelineKind.Resolved, At(3, 10), Carol, "Resolved: config rolled back", "monitoring", "resolved"),
    ];

    public static IncidentDetails Incident(
        IReadOnlyList<TimelineEntryView>? timeline = null,
        string title = "Checkout payments failing",
        string? description = "Customers cannot pay at checkout.",
        string? summary = "Config rolled back; payments recovered.",
        IncidentStatus status = IncidentStatus.Resolved,
        DateTime? impactStarted = null,
        DateTime? identified = null,
        DateTime? mitigated = null,
        DateTime? resolved = null,
        bool open = false,
        IReadOnlyList<ActionItemView>? actions = null,
        IReadOnlyList<ChannelView>? channels = null) =>
        new(
            new IncidentSummary(42, 42, title, "SEV1", open ? IncidentStatus.Investigating : status, false, "payments", At(0, 40), Carol, "commander"),
            description,
            summary,
            null,
            null,
            Alice,
            open ? impactStarted : impactStarted ?? At(0, 25),
            open ? identified : identified ?? At(1, 20),
            open ? mitigated : mitigated ?? At(2, 0),
            open ? resolved : resolved ?? At(3, 10),
            open ? null : resolved ?? At(3, 10),
            [new RoleView("commander", Carol, At(1, 30)), new RoleView("scribe", Bob, At(0, 43))],
            [
                new RoleHistoryView("commander", Alice, Alice, At(0, 41), At(1, 30)),
                new RoleHistoryView("scribe", Bob, Alice, At(0, 43), null),
                new RoleHistoryView("commander", Carol, Alice, At(1, 30), null),
            ],
            [Alice, Bob, Carol],
            actions ??
            [
                new ActionItemView(1, "Alert on payment error rate", Dave, ActionItemStatus.Open, Carol, At(1, 35)) { DueOn = new DateOnly(2026, 3, 20), Link = "https://tracker.example.com/OPS-7" },
                new ActionItemView(2, "Document the config rollback", null, ActionItemStatus.Done, Carol, At(3, 0)),
            ],
            timeline ?? Timeline(),
            channels ?? [new ChannelView("slack", "C0123", "inc-42-checkout"), new ChannelView("teams", "19:abc@thread.tacv2", null)]);

    public static ReviewDocContext Context(IncidentDetails? incident = null, TimeZoneInfo? zone = null, string? url = Url) =>
        new(incident ?? Incident(), zone ?? Berlin, url, At(8, 0, day: 30), Severities);

    public static string Generate(IncidentDetails? incident = null, string? template = null)
    {
        var result = ReviewDocGenerator.Generate(Context(incident), template);
        Assert.Empty(result.TemplateErrors);
        return ReviewDocSections.Compose(result.Markdown, result.Sections, new Dictionary<string, string>()); // as read before anyone writes
    }

    public static string[] Lines(string markdown) => markdown.Split('\n');

    /// <summary>The part of the document before the appendix, and the appendix.</summary>
    public static (string Body, string Appendix) Split(string markdown)
    {
        var at = markdown.IndexOf("## Appendix: full timeline", StringComparison.Ordinal);
        Assert.True(at > 0, "the document has an appendix");
        return (markdown[..at], markdown[at..]);
    }

    /// <summary>The text of the repository file at <paramref name="relativePath"/>.</summary>
    public static string RepoFile(string relativePath) => File.ReadAllText(Repository.PathOf(relativePath));
}
