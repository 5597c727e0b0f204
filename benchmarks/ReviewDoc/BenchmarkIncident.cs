using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;

namespace IncidentBot.Benchmarks.ReviewDoc;

/// <summary>A resolved SEV1 with a long, busy timeline: mostly captured chat, updates and notes, some changes.</summary>
internal static class BenchmarkIncident
{
    private static readonly PersonView[] People =
    [
        new("slack:U001", "Alice Andersen"),
        new("slack:U002", "Bob Becker"),
        new("slack:U003", "Carol Chen"),
        new("slack:U004", "Dave Duarte"),
        new("slack:U005", "Erin O'Neil"),
    ];

    private static readonly string[] Said =
    [
        "Error rate on /api/payments is at 38% since 14:02, mostly 502s from the gateway",
        "Rolled back payments-config to v2026.11.19-3; watching dashboards",
        "p99 latency > 4s on checkout | cart service looks fine",
        "Customer support reports failed card payments in DE and AT",
        "Suspect the new TLS settings on <lb-eu-1>; see `nginx.conf` diff [PR 4411]",
        "# Not a heading: just someone typing a hash first",
        "DB connection pool saturated (max_connections=500), raising to 800 temporarily",
        "Status page updated: investigating degraded payments",
    ];

    public static IncidentDetails Build(int entries)
    {
        var declared = new DateTime(2026, 11, 19, 13, 5, 0, DateTimeKind.Utc);
        var timeline = new List<TimelineEntryView>(entries);
        for (var i = 0; i < entries; i++)
        {
            var at = declared.AddSeconds(i * 9);
            var author = People[i % People.Length];
            var text = Said[i % Said.Length];
            timeline.Add((i % 20) switch
            {
                0 when i == 0 => Entry(i, TimelineKind.Declared, at, author, "Declared SEV2: Card payments failing", null, "investigating"),
                0 => Entry(i, TimelineKind.SeverityChanged, at, author, "Severity SEV2 → SEV1", "SEV2", "SEV1"),
                1 or 2 or 3 or 4 or 5 or 6 or 7 => Entry(i, TimelineKind.Captured, at, author, text, link: $"https://example.slack.com/archives/C0INC4242/p{1763557500000000L + i}"),
                8 or 9 or 10 or 11 => Entry(i, TimelineKind.Update, at, author, text),
                12 or 13 or 14 => Entry(i, TimelineKind.Note, at, author, text),
                15 => Entry(i, TimelineKind.MemberJoined, at, author, $"{author.Name} joined"),
                16 => Entry(i, TimelineKind.ActionItemAdded, at, author, $"Action item: follow up on {text}", null, People[(i + 1) % People.Length].Key),
                17 => Entry(i, TimelineKind.RoleAssigned, at, author, "scribe handed over", People[(i + 1) % People.Length].Name, author.Name),
                18 => Entry(i, TimelineKind.StatusChanged, at, author, "Status investigating → identified: TLS config", "investigating", "identified"),
                _ => Entry(i, TimelineKind.Captured, at, author, "off-topic chatter", hidden: true),
            });
        }

        var resolved = declared.AddSeconds(entries * 9);
        timeline.Add(Entry(entries, TimelineKind.Resolved, resolved, People[0], "Resolved: TLS settings rolled back", "monitoring", "resolved"));

        return new IncidentDetails(
            new IncidentSummary(4242, 4242, "Card payments failing in EU", "SEV1", IncidentStatus.Resolved, false, "payments", declared, People[0], "commander"),
            "Card payments fail for EU customers at checkout.",
            "TLS settings on the EU load balancer were rolled back; payments recovered.",
            null,
            null,
            People[0],
            declared.AddMinutes(-12),
            declared.AddMinutes(35),
            declared.AddMinutes(80),
            resolved,
            resolved,
            [new RoleView("commander", People[0], declared), new RoleView("scribe", People[2], declared.AddMinutes(3))],
            [
                new RoleHistoryView("commander", People[0], People[0], declared, null),
                new RoleHistoryView("scribe", People[1], People[0], declared.AddMinutes(1), declared.AddMinutes(3)),
                new RoleHistoryView("scribe", People[2], People[0], declared.AddMinutes(3), null),
            ],
            People,
            [.. Enumerable.Range(1, 25).Select(i => new ActionItemView(i, $"Follow-up {i}: {Said[i % Said.Length]}", People[i % People.Length], i % 3 == 0 ? ActionItemStatus.Done : ActionItemStatus.Open, People[0], declared.AddMinutes(i)))],
            timeline,
            [new ChannelView("slack", "C0INC4242", "inc-4242-card-payments")]);
    }

    private static TimelineEntryView Entry(
        int id, TimelineKind kind, DateTime at, PersonView author, string text, string? before = null, string? after = null,
        string? link = null, bool hidden = false) =>
        new(id + 1, kind, at, author, text, before, after, link, hidden, null);
}
