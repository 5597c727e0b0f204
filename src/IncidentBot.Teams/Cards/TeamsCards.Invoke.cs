using System.Globalization;
using System.Text.Json.Nodes;

namespace IncidentBot.Teams.Cards;

/// <summary>Bodies of invoke responses: dialogs (<c>task/fetch</c>, <c>composeExtension/fetchTask</c> …) and Universal Actions.</summary>
public static partial class TeamsCards
{
    public const string MessageResponseType = "application/vnd.microsoft.activity.message";
    public const string ErrorResponseType = "application/vnd.microsoft.error";

    /// <summary>
    /// Opens (or keeps open) a dialog showing <paramref name="card"/>. <paramref name="height"/> and
    /// <paramref name="width"/> are <c>small</c>, <c>medium</c>, <c>large</c> or a number of pixels.
    /// </summary>
    public static JsonObject TaskContinue(string title, JsonObject card, string height = "medium", string width = "medium") => new()
    {
        ["task"] = new JsonObject
        {
            ["type"] = "continue",
            ["value"] = new JsonObject
            {
                ["title"] = Plain(title),
                ["height"] = Dimension(height),
                ["width"] = Dimension(width),
                ["card"] = Attachment(card),
            },
        },
    };

    /// <summary>
    /// Closes a bot dialog (<c>task/fetch</c>, <c>task/submit</c>) and shows <paramref name="text"/> in a small message box.
    /// Not for message extensions: <c>composeExtension/submitAction</c> has no such type (use <see cref="InvokeMessage"/>).
    /// </summary>
    public static JsonObject TaskMessage(string text) => new()
    {
        ["task"] = new JsonObject { ["type"] = "message", ["value"] = Plain(text, multiline: true) },
    };

    /// <summary>
    /// A short text answering the invoke named <paramref name="invokeName"/>, in a type Microsoft documents for it:
    /// <c>adaptiveCard/action</c> → an activity message shown on the card; <c>composeExtension/submitAction</c> and
    /// <c>composeExtension/fetchTask</c>, whose documented answers are dialogs, cards and previews (no message) → a small
    /// dialog showing the text; bot dialogs (<c>task/fetch</c>, <c>task/submit</c>) → a task message.
    /// </summary>
    public static JsonObject InvokeMessage(string? invokeName, string text) => invokeName switch
    {
        "adaptiveCard/action" => UniversalActionMessage(text),
        "composeExtension/submitAction" or "composeExtension/fetchTask" => TaskContinue("IncidentBot", Card([TextBlock(Paragraphs(text))], null), "small", "medium"),
        _ => TaskMessage(text),
    };

    /// <summary>Answers an <c>adaptiveCard/action</c> by replacing the card that was clicked.</summary>
    public static JsonObject UniversalActionCard(JsonObject card) => new()
    {
        ["statusCode"] = 200,
        ["type"] = ContentType,
        ["value"] = Detached(card),
    };

    /// <summary>Answers an <c>adaptiveCard/action</c> with a short message the client shows; the card stays as it was.</summary>
    public static JsonObject UniversalActionMessage(string text) => new()
    {
        ["statusCode"] = 200,
        ["type"] = MessageResponseType,
        ["value"] = Plain(text, multiline: true),
    };

    /// <summary>Answers an <c>adaptiveCard/action</c> with an error (4xx/5xx) the client shows on the card.</summary>
    public static JsonObject UniversalActionError(int status, string message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        return new JsonObject
        {
            ["statusCode"] = status,
            ["type"] = ErrorResponseType,
            ["value"] = new JsonObject { ["code"] = ErrorCode(status), ["message"] = Plain(message, multiline: true) },
        };
    }

    private static string ErrorCode(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        503 => "ServiceUnavailable",
        _ => status < 500 ? "BadRequest" : "InternalServerError",
    };

    /// <summary>A size name stays a string; a number of pixels is sent as a number.</summary>
    private static JsonValue Dimension(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pixels)
            ? JsonValue.Create(pixels)
            : JsonValue.Create(value);
}
