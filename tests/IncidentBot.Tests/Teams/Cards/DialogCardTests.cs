using IncidentBot.Core.Domain;
using IncidentBot.Teams.Cards;
using static IncidentBot.Tests.Teams.Cards.CardFixtures;

namespace IncidentBot.Tests.Teams.Cards;

public class DeclareFormTests
{
    [Fact]
    public void HasTheInputsTheHandlerReads()
    {
        var card = TeamsCards.DeclareForm(Options(), null);

        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Equal("Input.Text", (string?)Input(card, "title")["type"]);
        Assert.Equal("Input.ChoiceSet", (string?)Input(card, "severity")["type"]);
        Assert.Equal("Input.Text", (string?)Input(card, "description")["type"]);
        Assert.Equal("Input.Text", (string?)Input(card, "service")["type"]);
        Assert.Equal("Input.Toggle", (string?)Input(card, "private")["type"]);
    }

    [Fact]
    public void Title_IsRequired_AndLimited()
    {
        var title = Input(TeamsCards.DeclareForm(Options(), null), "title");

        Assert.True((bool)title["isRequired"]!);
        Assert.Equal(Incident.MaxTitleLength, (int)title["maxLength"]!);
        Assert.Equal(200, (int)title["maxLength"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)title["errorMessage"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)title["label"]));
    }

    [Fact]
    public void Severity_ListsTheConfiguredOnesWithDescriptions_DefaultSelected()
    {
        var severity = Input(TeamsCards.DeclareForm(Options(), null), "severity");

        Assert.Equal("SEV3", (string?)severity["value"]);
        var choices = severity["choices"]!.AsArray();
        Assert.Equal(["SEV1", "SEV2", "SEV3", "SEV4"], choices.Select(c => (string)c!["value"]!));
        Assert.Equal("SEV1 — Critical: customers broadly affected", (string?)choices[0]!["title"]);
    }

    [Fact]
    public void Severity_FollowsTheConfiguredDefault()
    {
        var severity = Input(TeamsCards.DeclareForm(Options(defaultSeverity: "sev1"), null), "severity");

        Assert.Equal("SEV1", (string?)severity["value"]);
    }

    [Fact]
    public void Description_IsMultiline_AndPrefilledFromTheMessage()
    {
        var prefilled = Input(TeamsCards.DeclareForm(Options(), "Payments are failing\r\nsince 14:00\u0007"), "description");
        var empty = Input(TeamsCards.DeclareForm(Options(), null), "description");

        Assert.True((bool)prefilled["isMultiline"]!);
        Assert.Equal("Payments are failing\nsince 14:00", (string?)prefilled["value"]);
        Assert.Null(empty["value"]);
    }

    [Fact]
    public void Description_PrefillIsNotMarkdownEscaped()
    {
        var description = Input(TeamsCards.DeclareForm(Options(), "*as typed* [x]"), "description");

        Assert.Equal("*as typed* [x]", (string?)description["value"]);
    }

    [Fact]
    public void Private_IsAToggleSendingTrueOrFalse()
    {
        var toggle = Input(TeamsCards.DeclareForm(Options(), null), "private");

        Assert.Equal("true", (string?)toggle["valueOn"]);
        Assert.Equal("false", (string?)toggle["valueOff"]);
        Assert.Equal("false", (string?)toggle["value"]);
    }

    [Fact]
    public void Submit_CarriesTheDeclareCommand()
    {
        var card = TeamsCards.DeclareForm(Options(), null);

        var submit = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal("Action.Submit", (string?)submit["type"]);
        Assert.Equal("Declare", (string?)submit["title"]);
        Assert.Equal("declareIncident", (string?)submit["data"]!["command"]);
        Assert.Equal(TeamsCards.DeclareCommand, (string?)submit["data"]!["command"]);
    }

    [Fact]
    public void Error_IsShownFirst_Escaped()
    {
        var card = TeamsCards.DeclareForm(Options(), null, "Title *too* long");
        var plain = TeamsCards.DeclareForm(Options(), null);

        var first = card["body"]!.AsArray()[0]!;
        Assert.Equal("TextBlock", (string?)first["type"]);
        Assert.Equal(@"Title \*too\* long", (string?)first["text"]);
        Assert.Equal("Attention", (string?)first["color"]);
        Assert.Empty(OfType(plain, "TextBlock"));
    }
}

public class CaptureFormTests
{
    [Fact]
    public void ListsOpenIncidents_ByNumber()
    {
        var card = TeamsCards.CaptureForm([Summary(number: 3, title: "API down"), Summary(number: 5, title: "*Slow* search")]);

        var picker = Input(card, "incident");
        Assert.Equal("Input.ChoiceSet", (string?)picker["type"]);
        Assert.True((bool)picker["isRequired"]!);
        var choices = picker["choices"]!.AsArray();
        Assert.Equal(["3", "5"], choices.Select(c => (string)c!["value"]!));
        // Choice titles are plain text, not markdown: shown as typed.
        Assert.Equal(["INC-3 · API down", "INC-5 · *Slow* search"], choices.Select(c => (string)c!["title"]!));
        Assert.Null(picker["value"]);
    }

    [Fact]
    public void OneIncident_IsPreselected()
    {
        var picker = Input(TeamsCards.CaptureForm([Summary(number: 9)]), "incident");

        Assert.Equal("9", (string?)picker["value"]);
    }

    [Fact]
    public void Submit_CarriesTheCaptureCommand()
    {
        var card = TeamsCards.CaptureForm([Summary()]);

        var submit = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal("Action.Submit", (string?)submit["type"]);
        Assert.Equal("Add", (string?)submit["title"]);
        Assert.Equal("addToTimeline", (string?)submit["data"]!["command"]);
        Assert.Equal(TeamsCards.CaptureCommand, (string?)submit["data"]!["command"]);
    }

    [Fact]
    public void NoOpenIncidents_SaysSo_AndHasNothingToSubmit()
    {
        var card = TeamsCards.CaptureForm([]);

        Assert.Null(card["actions"]);
        Assert.Empty(OfType(card, "Action.Submit"));
        Assert.DoesNotContain(Objects(card), o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true);
        Assert.Contains(Texts(card), t => t.Contains("no open incidents", StringComparison.Ordinal));
    }

    [Fact]
    public void Error_IsShown()
    {
        var card = TeamsCards.CaptureForm([Summary()], "INC-42 was closed meanwhile");

        Assert.Equal("INC-42 was closed meanwhile", Texts(card)[0]);
    }

    [Fact]
    public void LongList_IsCapped()
    {
        var open = Enumerable.Range(1, 150).Select(n => Summary(number: n)).ToList();

        var picker = Input(TeamsCards.CaptureForm(open), "incident");

        Assert.Equal(100, picker["choices"]!.AsArray().Count);
    }
}
