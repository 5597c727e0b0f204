using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Options;

namespace IncidentBot.Tests.Teams.Cards;

/// <summary>Incidents, options and JSON helpers shared by the card tests.</summary>
internal static class CardFixtures
{
    public static readonly DateTime Declared = new(2026, 11, 21, 14, 5, 0, DateTimeKind.Utc);
    public static readonly PersonView Alice = new("teams:29:alice", "Alice Example");
    public static readonly PersonView Bob = new("teams:29:bob", "Bob Example");

    public static IncidentsOptions Options(string? defaultSeverity = null) => new()
    {
        Severities =
        [
            new() { Name = "SEV1", Description = "Critical: customers broadly affected" },
            new() { Name = "SEV2", Description = "Major: a key feature is down" },
            new() { Name = "SEV3", Description = "Minor: partial degradation" },
            new() { Name = "SEV4", Description = "Low: little customer impact" },
        ],
        Roles =
        [
            new() { Name = "commander", Description = "Leads the response" },
            new() { Name = "communications", Description = "Keeps stakeholders informed" },
            new() { Name = "scribe", Description = "Captures the timeline" },
        ],
        DefaultSeverity = defaultSeverity,
    };

    public static IncidentSummary Summary(int number = 42, string title = "Checkout errors spike", IncidentStatus status = IncidentStatus.Investigating,
        bool isPrivate = false, string? service = null, PersonView? lead = null, string severity = "SEV2") =>
        new(7, number, title, severity, status, isPrivate, service, Declared, lead, "commander");

    public static IncidentDetails Details(
        int number = 42,
        string title = "Checkout errors spike",
        IncidentStatus status = IncidentStatus.Investigating,
        bool isPrivate = false,
        string? service = null,
        PersonView? lead = null,
        IReadOnlyList<RoleView>? roles = null,
        string? resolution = null,
        string? cancelReason = null,
        int? duplicateOf = null,
        PersonView? declaredBy = null,
        string severity = "SEV2") =>
        new(
            Summary(number, title, status, isPrivate, service, lead, severity),
            Description: "Errors on checkout",
            ResolutionSummary: resolution,
            CancelReason: cancelReason,
            DuplicateOfNumber: duplicateOf,
            DeclaredBy: declaredBy ?? Alice,
            ImpactStartedAt: null,
            IdentifiedAt: null,
            MitigatedAt: null,
            ResolvedAt: null,
            ClosedAt: null,
            Roles: roles ?? [],
            RoleHistory: [],
            Members: [],
            ActionItems: [],
            Timeline: [],
            Channels: []);

    /// <summary>Every object in the tree, depth first (the card, its elements, actions, nested cards …).</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var o in Objects(child))
                    {
                        yield return o;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var o in Objects(child))
                    {
                        yield return o;
                    }
                }

                break;
        }
    }

    public static IEnumerable<JsonObject> OfType(JsonNode card, string type) =>
        Objects(card).Where(o => (string?)o["type"] == type);

    public static JsonObject Input(JsonNode card, string id) =>
        Objects(card).Single(o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true && (string?)o["id"] == id);

    public static IReadOnlyList<string> Texts(JsonNode card) =>
        [.. OfType(card, "TextBlock").Select(t => (string)t["text"]!)];

    public static IReadOnlyDictionary<string, string> Facts(JsonNode card) =>
        OfType(card, "FactSet").SelectMany(f => f["facts"]!.AsArray()).ToDictionary(f => (string)f!["title"]!, f => (string)f!["value"]!);

    public static IReadOnlyList<string> Verbs(JsonNode card) =>
        [.. OfType(card, "Action.Execute").Select(a => (string)a["verb"]!)];
}
