using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Timeline;
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
        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "csv" or "md"))
        {
            return Results.BadRequest(new { error = "format must be md, json or csv" });
        }

        TimelineExport export;
        try
        {
            export = await mediator.Send(new ExportTimeline(WebActor.Required(user), number), ct);
        }
        catch (IncidentNotFoundException e)
        {
            return Results.NotFound(new { error = e.Message });
        }

        // Written while the entries are read, a page at a time: the process holds a page, never the whole timeline.
        var zone = reviews.Value.Meeting.Schedule.Zone;
        return kind switch
        {
            "json" => Results.Stream(body => WriteJsonAsync(export, body, ct), "application/json; charset=utf-8"),
            "csv" => Results.Stream(body => WriteLinesAsync(body, CsvHeader, export.Entries, CsvLine, ct), "text/csv; charset=utf-8", $"INC-{number}-timeline.csv"),
            _ => Results.Stream(body => WriteLinesAsync(body, MarkdownHeader(export.Summary, zone), export.Entries, e => MarkdownLine(e, zone), ct),
                "text/markdown; charset=utf-8", $"INC-{number}-timeline.md"),
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

    /// <summary>Bytes waiting before they go out: a few dozen entries' worth.</summary>
    private const int FlushAt = 32 * 1024;

    private static async Task WriteJsonAsync(TimelineExport export, Stream body, CancellationToken ct)
    {
        // Into a buffer of our own, sent on asynchronously: the response allows no synchronous writes.
        var buffer = new ArrayBufferWriter<byte>(FlushAt * 2);
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Json.Encoder });
        async Task SendAsync()
        {
            await json.FlushAsync(ct);
            await body.WriteAsync(buffer.WrittenMemory, ct);
            buffer.ResetWrittenCount();
        }

        var s = export.Summary;
        json.WriteStartObject();
        json.WritePropertyName("incident");
        JsonSerializer.Serialize(json, new { s.Number, s.Reference, s.Title, s.Severity, Status = s.Status.ToWord(), s.IsPrivate }, Json);
        json.WriteStartArray("timeline");
        await foreach (var e in export.Entries.WithCancellation(ct))
        {
            JsonSerializer.Serialize(json, new
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
            }, Json);
            if (buffer.WrittenCount + json.BytesPending >= FlushAt)
            {
                await SendAsync();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await SendAsync();
    }

    private static async Task WriteLinesAsync(Stream body, string header, IAsyncEnumerable<TimelineEntryView> entries, Func<TimelineEntryView, string> line, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), FlushAt, leaveOpen: true);
        await writer.WriteAsync(header.AsMemory(), ct);
        await foreach (var e in entries.WithCancellation(ct))
        {
            // The writer passes its buffer on by itself when it fills, asynchronously for WriteAsync.
            await writer.WriteAsync(line(e).AsMemory(), ct);
        }

        await writer.FlushAsync(ct);
    }

    private const string CsvHeader = "time_utc,kind,author,author_id,text,link,hidden\r\n";

    private static string CsvLine(TimelineEntryView e) =>
        string.Join(',', [
            e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Cell(TimelineLabels.Of(e.Kind)), Cell(e.Author.Name), Cell(e.Author.Key),
            Cell(e.Describe()), Cell(e.Link), e.Hidden ? "true" : "false"]) + "\r\n";

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

    private static string MarkdownHeader(IncidentSummary s, TimeZoneInfo zone) =>
        string.Create(CultureInfo.InvariantCulture, $"# {s.Reference} · {Md(s.Title)}\n\n{s.Severity} · {s.Status.ToWord()} · times in {zone.Id}\n\n") +
        "| When | Who | What |\n|---|---|---|\n";

    private static string MarkdownLine(TimelineEntryView e, TimeZoneInfo zone)
    {
        var when = TimeZoneInfo.ConvertTimeFromUtc(e.OccurredAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var what = $"{TimelineLabels.Of(e.Kind)}: {Md(e.Describe())}" + (e.Hidden ? " *(hidden)*" : string.Empty);
        if (e.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            what += $" ([link]({link.Replace(")", "%29", StringComparison.Ordinal)}))";
        }

        return $"| {when} | {Md(e.Author.Name)} | {what} |\n";
    }

    /// <summary>User text in a Markdown table cell: no structure, no HTML, no links of its own.</summary>
    private static string Md(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal)
        .Replace("`", "\\`", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
