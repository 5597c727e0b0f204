using System.Diagnostics;
using System.Net;
using IncidentBot.Tests.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace IncidentBot.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TraceTests
{
    [Fact]
    public async Task OneDeclare_IsOneTrace_FromTheSlashCommand_ThroughTheQueue_ToEverySlackCall()
    {
        var spans = new List<Activity>();
        await using var h = await SlackHarness.StartAsync(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        h.Bot.Services.GetRequiredService<TracerProvider>().ForceFlush();

        List<Activity> finished;
        lock (spans)
        {
            finished = [.. spans];
        }

        var inbound = Assert.Single(finished, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("/slack/commands", StringComparison.Ordinal));
        var trace = finished.Where(a => a.TraceId == inbound.TraceId).ToList();
        Assert.Contains(trace, a => a.DisplayName == "inbox.slack command");
        Assert.Contains(trace, a => a.DisplayName == "DeclareIncident");
        Assert.Contains(trace, a => a.DisplayName.StartsWith("outbox.slack ", StringComparison.Ordinal));
        var slackCalls = h.Slack.Calls.Count; // Web API methods and response_url posts (the fake records both as calls)
        var clientSpans = trace.Where(a => a.Kind == ActivityKind.Client).ToList();
        Assert.True(slackCalls > 3, $"the declare made {slackCalls} Slack calls");
        Assert.True(slackCalls == clientSpans.Count,
            $"{slackCalls} Slack calls ({string.Join(", ", h.Slack.Calls.Select(c => c.Method))}), " +
            $"{clientSpans.Count} client spans ({string.Join(", ", clientSpans.Select(a => a.DisplayName + " " + a.GetTagItem("url.full")))})");
        // Nothing of this declare started a trace of its own.
        Assert.DoesNotContain(finished, a => a.Kind == ActivityKind.Client && a.TraceId != inbound.TraceId);
    }

    [Fact]
    public async Task Otlp_PostsSpansAndMetrics_ToTheConfiguredCollector()
    {
        var posts = new List<(string Path, string ContentType, int Length)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            lock (posts)
            {
                posts.Add((http.Request.Path, http.Request.ContentType ?? string.Empty, (int)body.Length));
            }

            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Urls.First();

        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Telemetry:Otlp:Endpoint"] = endpoint });
        await h.CommandAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();
        h.Bot.Services.GetRequiredService<TracerProvider>().ForceFlush();
        h.Bot.Services.GetRequiredService<MeterProvider>().ForceFlush();

        List<(string Path, string ContentType, int Length)> seen;
        lock (posts)
        {
            seen = [.. posts];
        }

        Assert.Contains(seen, p => p is { Path: "/v1/traces", ContentType: "application/x-protobuf", Length: > 0 });
        Assert.Contains(seen, p => p is { Path: "/v1/metrics", ContentType: "application/x-protobuf", Length: > 0 });
    }
}
