using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Teams;

/// <summary>At freeze time the agenda is written into the Microsoft 365 recurring meeting (a fake Graph on loopback).</summary>
public sealed class ReviewCalendarGraphTests : IAsyncLifetime
{
    private const string Mailbox = "reviews@contoso.example";
    private const string Series = "AAMkSeries==";
    private readonly ConcurrentQueue<(string Method, string Path, string Body)> _calls = new();
    private WebApplication _graph = null!;

    private string Url => _graph.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _graph = builder.Build();
        _graph.MapPost("/login/{tenant}/oauth2/v2.0/token", () => Results.Json(new { token_type = "Bearer", expires_in = 3599, access_token = "graph-token" }));
        // Weekly occurrences of the series at 15:00 UTC (16:00 Berlin), as Graph lists them with Prefer: outlook.timezone="UTC".
        _graph.MapGet("/graph/v1.0/users/{mailbox}/events/{series}/instances", (HttpContext http, string mailbox, string series) =>
        {
            _calls.Enqueue(("GET", http.Request.Path + http.Request.QueryString, http.Request.Headers["Prefer"].ToString()));
            var from = DateTime.Parse(http.Request.Query["startDateTime"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var to = DateTime.Parse(http.Request.Query["endDateTime"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var value = new JsonArray();
            for (var start = new DateTime(2026, 11, 17, 15, 0, 0, DateTimeKind.Utc); start < new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc); start = start.AddDays(7))
            {
                if (start >= from && start <= to)
                {
                    value.Add(new JsonObject
                    {
                        ["id"] = $"occ-{start:yyyyMMdd}", ["isCancelled"] = false,
                        ["start"] = new JsonObject { ["dateTime"] = $"{start:yyyy-MM-ddTHH:mm:ss}.0000000", ["timeZone"] = "UTC" },
                        ["attendees"] = new JsonArray(new JsonObject
                        {
                            ["type"] = "optional", ["emailAddress"] = new JsonObject { ["address"] = "olga@contoso.example", ["name"] = "Olga" },
                        }),
                    });
                }
            }

            return Results.Json(new JsonObject { ["value"] = value });
        });
        _graph.MapMethods("/graph/v1.0/users/{mailbox}/events/{id}", ["PATCH"], async (HttpContext http) =>
        {
            _calls.Enqueue(("PATCH", http.Request.Path, await new StreamReader(http.Request.Body).ReadToEndAsync()));
            return Results.Json(new { });
        });
        _graph.MapPost("/graph/v1.0/users/{mailbox}/events/{id}/cancel", async (HttpContext http) =>
        {
            _calls.Enqueue(("CANCEL", http.Request.Path, await new StreamReader(http.Request.Body).ReadToEndAsync()));
            return Results.Accepted();
        });
        await _graph.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _graph.StopAsync();
        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task FrozenAgenda_IsWrittenIntoTheMatchingOccurrence_AndAnEmptySessionsOccurrenceIsCancelled()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero));
        using var bot = new BotFactory(new Dictionary<string, string?>
        {
            ["Reviews:Meeting:TimeZone"] = "Europe/Berlin",
            ["Reviews:Graph:MailboxUserId"] = Mailbox,
            ["Reviews:Graph:SeriesEventId"] = Series,
            ["Reviews:Sponsor"] = "Vera Sponsor <vera@contoso.example>",
            ["Reviews:Attendees:0"] = "sre@contoso.example",
            ["Reviews:Attendees:1"] = "OLGA@contoso.example",
            ["Reviews:Attendees:2"] = "slack:U024BE7LH",
            ["Teams:LoginBaseUrl"] = Url + "/login/",
            ["Teams:Graph:TenantId"] = "7e2c1d94-3b5a-4f86-9c0d-1a2b3c4d5e6f",
            ["Teams:Graph:ClientId"] = "graph-client",
            ["Teams:Graph:ClientSecret"] = "graph-secret",
            ["Teams:Graph:BaseUrl"] = Url + "/graph/v1.0/",
        }, clock);
        _ = bot.CreateClient();
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var incident = await mediator.Send(new DeclareIncident(Actor.Console("alice"), "Checkout errors", "SEV2"));
            await mediator.Send(new ResolveIncident(Actor.Console("alice"), incident.Number, "rolled back"));
        }

        await HostWork.SettleAsync(bot.Services, clock);
        var freeze = bot.Services.GetRequiredService<ReviewFreezeWorker>();
        await freeze.RunDueAsync(CancellationToken.None);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 22, 15, 1, 0, TimeSpan.Zero));
        await freeze.RunDueAsync(CancellationToken.None);

        // Settle before moving the clock on: a week's jump would expire the running intent's lease in fake time.
        await HostWork.SettleAsync(bot.Services, clock);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 29, 15, 1, 0, TimeSpan.Zero));
        await freeze.RunDueAsync(CancellationToken.None);
        await HostWork.SettleAsync(bot.Services, clock);

        var patch = Assert.Single(_calls, c => c.Method == "PATCH");
        Assert.EndsWith("/events/occ-20261124", patch.Path);
        Assert.Contains("INC-1 · SEV2 · Checkout errors", JsonNode.Parse(patch.Body)!["body"]!["content"]!.GetValue<string>());

        // The sponsor and attendees with an address join who the occurrence invited (Olga, already there, is kept as she was).
        var attendees = JsonNode.Parse(patch.Body)!["attendees"]!.AsArray();
        Assert.Equal(
            ["olga@contoso.example optional Olga", "vera@contoso.example required Vera Sponsor", "sre@contoso.example required "],
            attendees.Select(a => $"{a!["emailAddress"]!["address"]} {a["type"]} {a["emailAddress"]!["name"]?.GetValue<string>()}"));
        var cancel = Assert.Single(_calls, c => c.Method == "CANCEL");
        Assert.EndsWith("/events/occ-20261201/cancel", cancel.Path);
        Assert.All(_calls.Where(c => c.Method == "GET"), c => Assert.Equal("outlook.timezone=\"UTC\"", c.Body));
    }
}
