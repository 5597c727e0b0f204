using System.Text.Json.Nodes;
using IncidentBot.Teams.Cards;

namespace IncidentBot.Tests.Teams.Cards;

public class InvokeResponseTests
{
    private static JsonObject SmallCard() => new()
    {
        ["type"] = "AdaptiveCard",
        ["version"] = "1.5",
        ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = "hi" }),
    };

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void TaskContinue_OpensADialogWithTheCard()
    {
        var response = TeamsCards.TaskContinue("Declare an incident", SmallCard());

        AssertJson("""
            {"task":{"type":"continue","value":{"title":"Declare an incident","height":"medium","width":"medium",
              "card":{"contentType":"application/vnd.microsoft.card.adaptive",
                      "content":{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"hi"}]}}}}}
            """, response);
    }

    [Fact]
    public void TaskContinue_SizesAreNamesOrPixels()
    {
        var response = TeamsCards.TaskContinue("t", SmallCard(), height: "400", width: "large");

        var value = response["task"]!["value"]!;
        Assert.Equal(400, (int)value["height"]!);
        Assert.Equal("large", (string?)value["width"]);
    }

    [Fact]
    public void TaskMessage_ClosesTheDialogWithAText()
    {
        AssertJson("""{"task":{"type":"message","value":"Added to INC-42."}}""", TeamsCards.TaskMessage("Added to INC-42."));
    }

    [Theory]
    [InlineData("composeExtension/submitAction")]
    [InlineData("composeExtension/fetchTask")]
    public void InvokeMessage_ForAMessageExtension_IsASmallDialog_SinceItHasNoMessageType(string name)
    {
        var response = TeamsCards.InvokeMessage(name, "INC-7 declared (SEV2): *db*");

        var task = response["task"]!;
        Assert.Equal("continue", (string?)task["type"]);
        Assert.Equal(TeamsCards.ContentType, (string?)task["value"]!["card"]!["contentType"]);
        Assert.Equal(@"INC-7 declared (SEV2): \*db\*", (string?)task["value"]!["card"]!["content"]!["body"]![0]!["text"]);
    }

    [Theory]
    [InlineData("task/submit")]
    [InlineData("task/fetch")]
    public void InvokeMessage_ForABotDialog_IsATaskMessage(string name) =>
        AssertJson("""{"task":{"type":"message","value":"Added to INC-42."}}""", TeamsCards.InvokeMessage(name, "Added to INC-42."));

    [Fact]
    public void InvokeMessage_ForACardAction_IsAnActivityMessage() =>
        AssertJson("""{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Saved."}""", TeamsCards.InvokeMessage("adaptiveCard/action", "Saved."));

    [Fact]
    public void UniversalActionCard_ReplacesTheCard()
    {
        AssertJson("""
            {"statusCode":200,"type":"application/vnd.microsoft.card.adaptive",
             "value":{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"hi"}]}}
            """, TeamsCards.UniversalActionCard(SmallCard()));
    }

    [Fact]
    public void UniversalActionMessage_ShowsAText()
    {
        AssertJson("""{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Status is now identified."}""",
            TeamsCards.UniversalActionMessage("Status is now identified."));
    }

    [Theory]
    [InlineData(400, "BadRequest")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "NotFound")]
    [InlineData(409, "Conflict")]
    [InlineData(500, "InternalServerError")]
    public void UniversalActionError_CarriesCodeAndMessage(int status, string code)
    {
        var response = TeamsCards.UniversalActionError(status, "Only members can change a private incident.");

        AssertJson($$$"""
            {"statusCode":{{{status}}},"type":"application/vnd.microsoft.error",
             "value":{"code":"{{{code}}}","message":"Only members can change a private incident."}}
            """, response);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(302)]
    [InlineData(600)]
    public void UniversalActionError_RefusesNonErrorStatuses(int status) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TeamsCards.UniversalActionError(status, "x"));

    [Fact]
    public void ACardAlreadyWrapped_CanBeWrappedAgain()
    {
        var card = SmallCard();
        var first = TeamsCards.UniversalActionCard(card);

        var second = TeamsCards.TaskContinue("again", card);

        Assert.Same(card, first["value"]);
        Assert.True(JsonNode.DeepEquals(card, second["task"]!["value"]!["card"]!["content"]));
    }
}
