using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Options;
using IncidentBot.Web.Access;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Api;

/// <summary>
/// Exports for facilitators and scripts: the timeline as Markdown, JSON or CSV, the review doc as <c>.md</c>, and the
/// review calendar as <c>.ics</c> (one-off, or per person by secret feed link for calendar apps that send no headers).
/// Private incidents appear only to their members and facilitators, as everywhere.
/// </summary>
public static class ExportEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/incidents/{number:int}/timeline", TimelineAsync).RequireAuthorization(WebAuthentication.PersonPolicy);
        endpoints.MapGet("/api/incidents/{number:int}/review.md", ReviewDocAsync).RequireAuthorization(WebAuthentication.PersonPolicy);
        endpoints.MapGet("/reviews/calendar.ics", CalendarAsync).RequireAuthorization(WebAuthentication.PersonPolicy);
        endpoints.MapGet($"/reviews/feed/{{{CalendarFeedHandler.TokenRouteValue}}}.ics", FeedAsync).RequireAuthorization(WebAuthentication.CalendarFeedPolicy);
        return endpoints;
    }

    private static async Task<IResult> TimelineAsync(int number, string? format, ClaimsPrincipal user, IMediator mediator, IOptions<ReviewsOptions> reviews, CancellationToken ct)
    {
        var actor = WebActor.Required(user);
        IncidentDetails incident;
        try
        {
            incident = await mediator.Send(new GetIncident(actor, number, IncludeHidden: true), ct);
        }
        catch (IncidentNotFoundException e)
        {
            return Results.NotFound(new { error = e.Message });
        }

        var zone = reviews.Value.Meeting.Schedule.Zone;
        return (format ?? "json").ToLowerInvariant() switch
        {
            "json" => Results.Text(JsonSerializer.Serialize(new
            {
                incident = new { incident.Summary.Number, incident.Summary.Reference, incident.Summary.Title, incident.Summary.Severity, Status = incident.Summary.Status.ToWord(), incident.Summary.IsPrivate },
                timeline = incident.Timeline.Select(e => new
                {
                    at = e.OccurredAt,
                    kind = TimelineLabels.Of(e.Kind),
                    author = new { e.Author.Key, e.Author.Name },
                    text = e.Describe(),
                    e.Before,
                    e.After,
                    e.Link,
                    e.Hidden,
                    mergedFrom = e.MergedFromNumber is { } m ? $"INC-{m}" : null,
                }),
            }, Json), "application/json", Encoding.UTF8),
            "csv" => Results.File(Encoding.UTF8.GetBytes(Csv(incident)), "text/csv; charset=utf-8", $"INC-{number}-timeline.csv"),
            "md" => Results.File(Encoding.UTF8.GetBytes(Markdown(incident, zone)), "text/markdown; charset=utf-8", $"INC-{number}-timeline.md"),
            _ => Results.BadRequest(new { error = "format must be md, json or csv" }),
        };
    }

    private static async Task<IResult> ReviewDocAsync(int number, ClaimsPrincipal user, IMediator mediator, CancellationToken ct)
    {
        try
        {
            var doc = await mediator.Send(new GetReviewDoc(WebActor.Required(user), number), ct);
            return Results.File(Encoding.UTF8.GetBytes(doc.Markdown), "text/markdown; charset=utf-8", $"INC-{number}-review.md");
        }
        catch (IncidentNotFoundException e)
        {
            return Results.NotFound(new { error = e.Message });
        }
    }

    private static async Task<IResult> CalendarAsync(ClaimsPrincipal user, IMediator mediator, CancellationToken ct) =>
        Results.File(Encoding.UTF8.GetBytes(await mediator.Send(new GetReviewCalendar(WebActor.Required(user)), ct)), "text/calendar; charset=utf-8", "incident-reviews.ics");

    private static async Task<IResult> FeedAsync(ClaimsPrincipal user, IMediator mediator, CancellationToken ct) =>
        Results.Text(await mediator.Send(new GetReviewCalendar(WebActor.Required(user)), ct), "text/calendar", Encoding.UTF8);

    internal static string Csv(IncidentDetails incident)
    {
        var sb = new StringBuilder("time_utc,kind,author,author_id,text,link,hidden\r\n");
        foreach (var e in incident.Timeline)
        {
            sb.AppendJoin(',', [
                e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Cell(TimelineLabels.Of(e.Kind)), Cell(e.Author.Name), Cell(e.Author.Key),
                Cell(e.Describe()), Cell(e.Link), e.Hidden ? "true" : "false"]);
            sb.Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>RFC 4180 quoting; cells that a spreadsheet would run as a formula get a leading apostrophe.</summary>
    internal static string Cell(string? value)
    {
        value ??= string.Empty;
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    internal static string Markdown(IncidentDetails incident, TimeZoneInfo zone)
    {
        var s = incident.Summary;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# {s.Reference} · {Md(s.Title)}\n\n{s.Severity} · {s.Status.ToWord()} · times in {zone.Id}\n\n");
        sb.Append("| When | Who | What |\n|---|---|---|\n");
        foreach (var e in incident.Timeline)
        {
            var when = TimeZoneInfo.ConvertTimeFromUtc(e.OccurredAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var what = $"{TimelineLabels.Of(e.Kind)}: {Md(e.Describe())}" + (e.Hidden ? " *(hidden)*" : string.Empty);
            if (e.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                what += $" ([link]({link.Replace(")", "%29", StringComparison.Ordinal)}))";
            }

            sb.Append(CultureInfo.InvariantCulture, $"| {when} | {Md(e.Author.Name)} | {what} |\n");
        }

        return sb.ToString();
    }

    /// <summary>User text in a Markdown table cell: no structure, no HTML, no links of its own.</summary>
    private static string Md(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal)
        .Replace("`", "\\`", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
