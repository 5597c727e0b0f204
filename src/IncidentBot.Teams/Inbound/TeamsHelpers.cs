using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Options;
using IncidentBot.Teams.Cards;
using MediatR;

namespace IncidentBot.Teams.Inbound;

internal static class TeamsActors
{
    public static Actor Of(TeamsActivity activity) =>
        new(activity.PersonKey, activity.FromName ?? activity.FromAadObjectId ?? "someone", activity.TenantId);
}

internal static class TeamsIncidents
{
    public const string KeyMomentOutsideIncident =
        "Use Mark as key moment on a message in an incident's thread (or its group chat): it marks that message in the incident's timeline.";

    /// <summary>
    /// The incident a conversation belongs to: its channel, a thread in it (<c>19:…;messageid=…</c>), or a group chat.
    /// </summary>
    public static async Task<int?> ImpliedAsync(IMediator mediator, string conversationId, CancellationToken cancellationToken)
    {
        if (await mediator.Send(new FindIncidentByChannel(TeamsInbound.Source, conversationId), cancellationToken) is { } exact)
        {
            return exact;
        }

        var semicolon = conversationId.IndexOf(';', StringComparison.Ordinal);
        return semicolon > 0 ? await mediator.Send(new FindIncidentByChannel(TeamsInbound.Source, conversationId[..semicolon]), cancellationToken) : null;
    }
}

internal static partial class TeamsMessages
{
    /// <summary>A Teams message body (HTML) as plain text: tags dropped, entities decoded, whitespace tidied.</summary>
    public static string PlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        var withBreaks = BreakTags().Replace(html, "\n");
        var text = WebUtility.HtmlDecode(AnyTag().Replace(withBreaks, string.Empty));
        return string.Join('\n', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)).Trim();
    }

    [GeneratedRegex("<(br|/p|/div|/li)\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakTags();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex AnyTag();
}

/// <summary>Checks a dialog's submitted data before anything is stored; returns the answer that asks again, if any.</summary>
internal static class TeamsDialogs
{
    public static Func<IncidentsOptions, JsonObject>? Validate(TeamsActivity activity, TeamsOptions teams)
    {
        var data = Data(activity);
        var command = Str(data, TeamsCards.DataCommand) ?? TeamsActivity.Str(activity.Value, "commandId");
        if (command == TeamsCards.DeclareCommand)
        {
            var title = Str(data, TeamsCards.Inputs.Title)?.Trim();
            var prefill = Str(data, TeamsCards.Inputs.Description);
            if (string.IsNullOrEmpty(title))
            {
                return o => TeamsCards.TaskContinue("Declare an incident", TeamsCards.DeclareForm(o, prefill, "Give the incident a title."), "large", "medium");
            }

            if (title.Length > Incident.MaxTitleLength)
            {
                return o => TeamsCards.TaskContinue("Declare an incident", TeamsCards.DeclareForm(o, prefill, $"The title is too long (at most {Incident.MaxTitleLength} characters)."), "large", "medium");
            }

            if (Str(data, TeamsCards.Inputs.Private) == "true" && !teams.GraphConfigured)
            {
                return _ => TeamsCards.InvokeMessage(activity.Name,
                    "Private incidents on Teams need a private group chat, which needs Microsoft Graph (Teams:Graph:* settings). Declare it without the private flag, in Slack, or ask an admin to set up Graph.");
            }
        }

        return null;
    }

    public static JsonElement Data(TeamsActivity activity) => TeamsActivity.Obj(activity.Value, "data");

    public static string? Str(JsonElement data, string name) => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v)
        ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;
}
