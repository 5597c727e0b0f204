using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Teams.Cards;
using static IncidentBot.Tests.Teams.Cards.CardFixtures;

namespace IncidentBot.Tests.Teams.Cards;

public class StatusCardTests
{
    private const string PageUrl = "https://incidents.example.com/incidents/42";

    [Fact]
    public void OpenIncident_IsAnAdaptiveCard15_WithTitleAndFacts()
    {
        var card = TeamsCards.StatusCard(Details(lead: Alice), Options(), PageUrl);

        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string?)card["$schema"]);
        Assert.Equal("INC-42 · Checkout errors spike", Texts(card)[0]);

        var facts = Facts(card);
        Assert.Equal("SEV2", facts["Severity"]);
        Assert.Equal("investigating", facts["Status"]);
        Assert.Equal("Alice Example", facts["Commander"]);
        Assert.Equal("2026-11-21 14:05 UTC", facts["Declared"]);
    }

    [Fact]
    public void DeclaredTime_IsLocalisedByTheClient()
    {
        var card = TeamsCards.StatusCard(Details(), Options(), null);

        var line = Assert.Single(Texts(card), t => t.StartsWith("Declared by", StringComparison.Ordinal));
        Assert.Contains("{{DATE(2026-11-21T14:05:00Z, SHORT)}}", line);
        Assert.Contains("{{TIME(2026-11-21T14:05:00Z)}}", line);
        Assert.Contains("Alice Example", line);
    }

    [Fact]
    public void OpenIncident_HasStatusSeverityLeadAndResolveButtons()
    {
        var card = TeamsCards.StatusCard(Details(), Options(), PageUrl);

        Assert.Equal([TeamsCards.VerbSetStatus, TeamsCards.VerbSetSeverity, TeamsCards.VerbTakeLead, TeamsCards.VerbResolve], Verbs(card));

        var takeLead = OfType(card, "Action.Execute").Single(a => (string?)a["verb"] == TeamsCards.VerbTakeLead);
        Assert.Equal("Assign me as commander", (string?)takeLead["title"]);

        var status = Input(card, "status");
        Assert.Equal("Input.ChoiceSet", (string?)status["type"]);
        Assert.Equal("investigating", (string?)status["value"]);
        Assert.Equal(["investigating", "identified", "monitoring"], status["choices"]!.AsArray().Select(c => (string)c!["value"]!));

        var severity = Input(card, "severity");
        Assert.Equal("Input.ChoiceSet", (string?)severity["type"]);
        Assert.Equal("SEV2", (string?)severity["value"]);
        Assert.Equal(["SEV1", "SEV2", "SEV3", "SEV4"], severity["choices"]!.AsArray().Select(c => (string)c!["value"]!));

        var link = Assert.Single(OfType(card, "Action.OpenUrl"));
        Assert.Equal("Incident page", (string?)link["title"]);
        Assert.Equal(PageUrl, (string?)link["url"]);
    }

    [Fact]
    public void Resolve_AsksForASummaryInAShowCard_ThenExecutes()
    {
        var card = TeamsCards.StatusCard(Details(), Options(), null);

        var show = Assert.Single(card["actions"]!.AsArray(), a => (string?)a!["type"] == "Action.ShowCard")!;
        Assert.Equal("Resolve", (string?)show["title"]);
        var inner = show["card"]!;
        Assert.Equal("AdaptiveCard", (string?)inner["type"]);

        var summary = Input(inner, "summary");
        Assert.Equal("Input.Text", (string?)summary["type"]);
        Assert.True((bool)summary["isRequired"]!);
        Assert.True((bool)summary["isMultiline"]!);

        var resolve = Assert.Single(OfType(inner, "Action.Execute"));
        Assert.Equal(TeamsCards.VerbResolve, (string?)resolve["verb"]);
    }

    [Theory]
    [InlineData(IncidentStatus.Investigating)]
    [InlineData(IncidentStatus.Identified)]
    [InlineData(IncidentStatus.Monitoring)]
    [InlineData(IncidentStatus.Resolved)]
    [InlineData(IncidentStatus.Cancelled)]
    [InlineData(IncidentStatus.Duplicate)]
    public void EveryExecute_NamesItsVerbAndTheIncidentInItsData(IncidentStatus status)
    {
        var known = new[] { TeamsCards.VerbSetStatus, TeamsCards.VerbSetSeverity, TeamsCards.VerbTakeLead, TeamsCards.VerbResolve, TeamsCards.VerbReopen };
        var card = TeamsCards.StatusCard(Details(status: status), Options(), PageUrl);

        var executes = OfType(card, "Action.Execute").ToList();
        Assert.NotEmpty(executes);
        foreach (var action in executes)
        {
            var verb = (string?)action["verb"];
            Assert.Contains(verb, known);
            Assert.Equal(verb, (string?)action["data"]!["verb"]);
            Assert.Equal(42, (int)action["data"]!["incident"]!);
            Assert.False(string.IsNullOrWhiteSpace((string?)action["title"]));
        }
    }

    [Theory]
    [InlineData(IncidentStatus.Resolved)]
    [InlineData(IncidentStatus.Cancelled)]
    [InlineData(IncidentStatus.Duplicate)]
    public void ClosedIncident_OffersOnlyReopen(IncidentStatus status)
    {
        var card = TeamsCards.StatusCard(Details(status: status, resolution: "rolled back"), Options(), null);

        Assert.Equal([TeamsCards.VerbReopen], Verbs(card));
        Assert.Equal("Reopen", (string?)Assert.Single(card["actions"]!.AsArray())!["title"]);
        Assert.DoesNotContain(Objects(card), o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true);
        Assert.Empty(OfType(card, "Action.ShowCard"));
        Assert.Equal(status.ToWord(), Facts(card)["Status"]);
    }

    [Fact]
    public void ClosedIncident_ShowsWhyItClosed()
    {
        var resolved = TeamsCards.StatusCard(Details(status: IncidentStatus.Resolved, resolution: "Rolled back deploy 1432"), Options(), null);
        var cancelled = TeamsCards.StatusCard(Details(status: IncidentStatus.Cancelled, cancelReason: "false alarm"), Options(), null);
        var duplicate = TeamsCards.StatusCard(Details(status: IncidentStatus.Duplicate, duplicateOf: 40), Options(), null);

        Assert.Contains("**Summary:** Rolled back deploy 1432", Texts(resolved));
        Assert.Contains("**Cancelled:** false alarm", Texts(cancelled));
        Assert.Contains("**Duplicate of** INC-40", Texts(duplicate));
    }

    [Fact]
    public void PrivateIncident_IsMarked_PublicIsNot()
    {
        var open = TeamsCards.StatusCard(Details(isPrivate: false), Options(), null);
        var hidden = TeamsCards.StatusCard(Details(isPrivate: true), Options(), null);

        Assert.DoesNotContain(Texts(open), t => t.Contains("Private", StringComparison.Ordinal));
        Assert.Single(Texts(hidden), t => t.Contains("Private incident", StringComparison.Ordinal));
    }

    [Fact]
    public void ServiceAndOtherRoleHolders_AreFacts_TheLeadOnlyOnce()
    {
        var roles = new List<RoleView>
        {
            new("commander", Alice, Declared),
            new("scribe", Bob, Declared),
        };
        var card = TeamsCards.StatusCard(Details(service: "checkout-api", lead: Alice, roles: roles), Options(), null);

        var facts = Facts(card);
        Assert.Equal("checkout-api", facts["Service"]);
        Assert.Equal("Bob Example", facts["Scribe"]);
        Assert.Equal("Alice Example", facts["Commander"]);
        Assert.Single(OfType(card, "FactSet").SelectMany(f => f["facts"]!.AsArray()), f => (string?)f!["title"] == "Commander");
    }

    [Fact]
    public void NoLead_SaysNobodyYet_AndNoServiceFact()
    {
        var facts = Facts(TeamsCards.StatusCard(Details(lead: null), Options(), null));

        Assert.Equal("_nobody yet_", facts["Commander"]);
        Assert.False(facts.ContainsKey("Service"));
    }

    [Fact]
    public void UserText_WithMarkdownOrHtml_IsEscaped()
    {
        var card = TeamsCards.StatusCard(
            Details(
                title: "*bold* _it_ [link](https://evil.example) <b>hi</b> `code`",
                service: "# svc",
                lead: new PersonView("teams:29:m", "- Mallory"),
                roles: [new RoleView("scribe", new PersonView("teams:29:e", "1. Eve"), Declared)],
                declaredBy: new PersonView("teams:29:x", "**Boss**"),
                status: IncidentStatus.Resolved,
                resolution: "fixed *it*\n> quoted"),
            Options(),
            null);

        Assert.Equal(@"INC-42 · \*bold\* \_it\_ \[link\](https://evil.example) \<b\>hi\</b\> \`code\`", Texts(card)[0]);
        var facts = Facts(card);
        Assert.Equal(@"\# svc", facts["Service"]);
        Assert.Equal(@"\- Mallory", facts["Commander"]);
        Assert.Equal(@"1\. Eve", facts["Scribe"]);
        Assert.Contains(Texts(card), t => t.StartsWith(@"Declared by \*\*Boss\*\*", StringComparison.Ordinal));
        Assert.Contains("**Summary:** fixed \\*it\\*\n\n\\> quoted", Texts(card));

        Assert.All(Texts(card), t => Assert.DoesNotContain("<b>", t));
        Assert.DoesNotContain("*bold*", Texts(card)[0]);
    }

    [Fact]
    public void TitleThatLooksLikeADateFunction_IsNotEvaluated()
    {
        var card = TeamsCards.StatusCard(Details(title: "{{DATE(2020-01-01T00:00:00Z, SHORT)}}"), Options(), null);

        Assert.DoesNotContain("{{DATE(2020", Texts(card)[0], StringComparison.Ordinal);
        Assert.Contains("DATE(2020-01-01T00:00:00Z, SHORT)", Texts(card)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/incidents/42")]
    public void NoUsablePageUrl_NoLink(string? pageUrl)
    {
        var card = TeamsCards.StatusCard(Details(), Options(), pageUrl);

        Assert.Empty(OfType(card, "Action.OpenUrl"));
    }

    [Fact]
    public void ClosedIncident_KeepsTheLink()
    {
        var card = TeamsCards.StatusCard(Details(status: IncidentStatus.Resolved), Options(), PageUrl);

        Assert.Equal(["Action.Execute", "Action.OpenUrl"], card["actions"]!.AsArray().Select(a => (string)a!["type"]!));
    }

    [Fact]
    public void SeverityNoLongerConfigured_StaysSelectable()
    {
        var card = TeamsCards.StatusCard(Details(severity: "P0"), Options(), null);

        var severity = Input(card, "severity");
        Assert.Equal("P0", (string?)severity["value"]);
        Assert.Contains("P0", severity["choices"]!.AsArray().Select(c => (string)c!["value"]!));
    }

    [Fact]
    public void InputIds_AreUniqueInTheCard()
    {
        var card = TeamsCards.StatusCard(Details(), Options(), PageUrl);

        var ids = Objects(card).Where(o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true).Select(o => (string)o["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["status", "severity", "summary"], ids);
    }

    [Fact]
    public void Attachment_WrapsTheCard()
    {
        var card = TeamsCards.StatusCard(Details(), Options(), null);

        var attachment = TeamsCards.Attachment(card);

        Assert.Equal(TeamsCards.ContentType, (string?)attachment["contentType"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", TeamsCards.ContentType);
        Assert.True(JsonNode.DeepEquals(card, attachment["content"]));
        Assert.Equal(2, attachment.Count);
    }
}
