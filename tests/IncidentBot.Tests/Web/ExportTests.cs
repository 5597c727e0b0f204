using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Web;

/// <summary>Timeline and doc exports and the review calendar over HTTP, with privacy on each.</summary>
public sealed class ExportTests : IAsyncLifetime, IDisposable
{
    private const string Token = "test-api-token-0123456789abcdef";
    private BotFactory _bot = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _bot = new BotFactory(new Dictionary<string, string?>
        {
            ["Web:ApiTokens:0"] = Token,
            ["Web:Console:Open"] = "true",
            ["Web:PublicBaseUrl"] = "https://incidents.example.test",
            ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
            ["Reviews:Facilitators:0"] = "console:facilitator",
        }, clock: new FakeTimeProvider(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)));
        _client = _bot.CreateClient();
        var alice = Actor.Console("alice");
        var open = await Send(new DeclareIncident(alice, "Checkout errors", "SEV2"));
        await Send(new AddTimelineEntry(alice, open.Number, "=HYPERLINK(\"http://evil\") | pipes, \"quotes\""));
        await Send(new ResolveIncident(alice, open.Number, "rolled back"));
        var secret = await Send(new DeclareIncident(alice, "Payroll export exposed", "SEV1", IsPrivate: true));
        await Send(new ResolveIncident(alice, secret.Number, "rotated keys"));
        await HostWork.SettleAsync(_bot.Services, _bot.Clock);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _bot.DisposeAsync();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _bot?.Dispose();
    }

    private async Task<T> Send<T>(IRequest<T> request)
    {
        await using var scope = _bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? token = Token, string? consoleUser = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (consoleUser is not null)
        {
            request.Headers.Add("Cookie", $"incidentbot-console-user={consoleUser}");
        }

        return _client.SendAsync(request, completion);
    }

    [Fact]
    public async Task TimelineExports_InAllThreeFormats_WithAnApiToken()
    {
        var json = JsonNode.Parse(await (await GetAsync("/api/incidents/1/timeline?format=json")).Content.ReadAsStringAsync())!;
        var csv = await (await GetAsync("/api/incidents/1/timeline?format=csv")).Content.ReadAsStringAsync();
        var md = await (await GetAsync("/api/incidents/1/timeline?format=md")).Content.ReadAsStringAsync();

        Assert.Equal("INC-1", json["incident"]!["reference"]!.GetValue<string>());
        Assert.Contains(json["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "resolved");
        Assert.StartsWith("time_utc,kind,author,author_id,text,link,hidden\r\n", csv);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\") | pipes, \"\"quotes\"\"\"", csv); // quoted, and not a formula
        Assert.StartsWith("# INC-1 · Checkout errors", md);
        Assert.Contains("\\| pipes", md);
    }

    [Fact]
    public async Task ALongTimeline_IsWrittenAsItIsRead_EveryEntryInTimeOrder_HiddenOnesForThoseWhoMayEditIt()
    {
        // More entries than a page of either store, so the export crosses pages; one of them hidden.
        var alice = Actor.Console("alice");
        var incident = await Send(new DeclareIncident(alice, "Queue backlog", "SEV3"));
        for (var i = 0; i < 1_201; i++)
        {
            await Send(new AddTimelineEntry(alice, incident.Number, $"note {i:D4}"));
        }

        var hidden = await Send(new AddTimelineEntry(alice, incident.Number, "pasted a secret"));
        await Send(new EditTimelineEntry(Actor.Console("facilitator"), incident.Number, hidden.EntryId, Hidden: true));
        var path = $"/api/incidents/{incident.Number}/timeline";

        var json = await GetAsync($"{path}?format=json", token: null, consoleUser: "facilitator", HttpCompletionOption.ResponseHeadersRead);
        var csv = await (await GetAsync($"{path}?format=csv", token: null, consoleUser: "facilitator")).Content.ReadAsStringAsync();
        var md = await (await GetAsync($"{path}?format=md", token: null, consoleUser: "facilitator")).Content.ReadAsStringAsync();
        var bobs = JsonNode.Parse(await (await GetAsync($"{path}?format=json", token: null, consoleUser: "bob")).Content.ReadAsStringAsync())!;

        // Written as it is read: the length is not known when the response starts.
        Assert.Null(json.Content.Headers.ContentLength);
        var entries = JsonNode.Parse(await json.Content.ReadAsStringAsync())!["timeline"]!.AsArray();
        var notes = entries.Select(e => e!["text"]!.GetValue<string>()).Where(t => t.StartsWith("note ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 1_201).Select(i => $"note {i:D4}"), notes);
        Assert.Contains(entries, e => e!["text"]!.GetValue<string>() == "pasted a secret" && e["hidden"]!.GetValue<bool>());
        Assert.Equal("alice", entries[1]!["author"]!["name"]!.GetValue<string>());
        Assert.Equal(entries.Count + 1, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.Equal(entries.Count + 1, rows.Count); // and the header's
        Assert.Contains("note 1200", rows.Last(r => r.Contains("note ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(entries.Count - 1, bobs["timeline"]!.AsArray().Count);
        Assert.DoesNotContain(bobs["timeline"]!.AsArray(), e => e!["text"]!.GetValue<string>() == "pasted a secret");
    }

    [Fact]
    public async Task WithoutAToken_OrWithAWrongOne_Exports401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/incidents/1/timeline", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/incidents/1/timeline", token: "wrong-token-wrong-token")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/api/incidents/1/timeline?format=xml")).StatusCode);
    }

    [Fact]
    public async Task PrivateIncident_IsInvisibleToANonMember_OnExportsDocAndCalendar()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/incidents/2/timeline", token: null, consoleUser: "bob")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/incidents/2/review.md", token: null, consoleUser: "bob")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/incidents/2/review.md", token: null, consoleUser: "alice")).StatusCode);

        var bobs = await (await GetAsync("/reviews/calendar.ics", token: null, consoleUser: "bob")).Content.ReadAsStringAsync();
        var alices = await (await GetAsync("/reviews/calendar.ics", token: null, consoleUser: "alice")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Payroll", bobs);
        Assert.Contains("private incident", ICalText(bobs));
        Assert.Contains("Payroll export exposed", ICalText(alices));
    }

    [Fact]
    public async Task PrivateIncident_IsInvisibleToANonMember_OnTheReviewPages()
    {
        var reviews = await GetAsync("/reviews", token: null, consoleUser: "bob");
        var doc = await GetAsync("/incidents/2/review", token: null, consoleUser: "bob");
        var alices = await GetAsync("/reviews", token: null, consoleUser: "alice");

        Assert.Equal(HttpStatusCode.OK, reviews.StatusCode);
        Assert.DoesNotContain("Payroll", await reviews.Content.ReadAsStringAsync());
        Assert.Contains("private incident", await reviews.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, doc.StatusCode);
        Assert.DoesNotContain("Payroll", await doc.Content.ReadAsStringAsync());
        Assert.Contains("Payroll export exposed", await alices.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReviewDoc_DownloadsAsMarkdown()
    {
        var response = await GetAsync("/api/incidents/1/review.md");

        Assert.Equal("text/markdown", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Checkout errors", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CalendarFeed_WorksByItsSecretLinkAlone_AndANewLinkRevokesTheOld()
    {
        var first = await Send(new CreateCalendarFeed(Actor.Console("alice")));
        var feed = await GetAsync($"/reviews/feed/{first}.ics", token: null);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var events = Ical.Net.Calendar.Load(await feed.Content.ReadAsStringAsync())!.Events;
        Assert.NotEmpty(events);
        Assert.Contains(events, e => e.Summary!.Contains("INC-1", StringComparison.Ordinal));

        var second = await Send(new CreateCalendarFeed(Actor.Console("alice")));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/reviews/feed/{first}.ics", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/reviews/feed/{second}.ics", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/reviews/feed/made-up.ics", token: null)).StatusCode);
    }

    private static string ICalText(string ics) => string.Join("\n", Ical.Net.Calendar.Load(ics)!.Events.SelectMany(e => new[] { e.Summary, e.Description }));
}
