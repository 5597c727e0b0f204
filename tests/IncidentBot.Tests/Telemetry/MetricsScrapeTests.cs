using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using IncidentBot.Core.Features;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Telemetry;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class MetricsScrapeTests
{
    private const string Token = "scrape-token-0123456789abcdef";

    [SkippableFact]
    public async Task Scrape_AfterAScriptedIncident_CountsItOnce_AndSeesItOpenThenClosed()
    {
        PrometheusTools.RequireParser();
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = Token });

        Assert.Equal(HttpStatusCode.OK, (await h.CommandAsync("declare sev2 Checkout errors spike")).StatusCode);
        await h.SettleAsync();
        var declared = await ScrapeAsync(h);

        Assert.Equal(1, Value(declared, "incidentbot_incidents_declared_total", ("severity", "SEV2")));
        Assert.Equal(1, Value(declared, "incidentbot_incidents_open", ("severity", "SEV2")));
        Assert.Equal(0, Value(declared, "incidentbot_incidents_open", ("severity", "SEV1")));
        Assert.Equal(1, Value(declared, "incidentbot_inbox_ack_duration_seconds_count", ("platform", "slack"), ("kind", "command")));
        Assert.Equal(1, Value(declared, "incidentbot_inbox_acked_total", ("platform", "slack"), ("outcome", "stored")));
        Assert.True(Value(declared, "incidentbot_work_runs_total", ("topic", "outbox.slack"), ("outcome", "done")) >= 1);
        Assert.True(Value(declared, "incidentbot_outbound_calls_total", ("client", "slack-api"), ("method", "conversations.create"), ("outcome", "ok")) == 1);
        Assert.Equal(0, Value(declared, "incidentbot_outbound_circuit_state", ("client", "slack-api")));
        // A 4 ms ack lands in a millisecond bucket, not in the default 5-second one.
        Assert.Contains(declared, s => s.Name == "incidentbot_inbox_ack_duration_seconds_bucket" && s.Labels["le"] == "0.005");

        var channel = h.Slack.ChannelNamed("inc-1-checkout-errors-spike")!;
        await h.CommandAsync("resolve rolled back", channel.Id);
        await h.SettleAsync();
        var resolved = await ScrapeAsync(h);

        Assert.Equal(1, Value(resolved, "incidentbot_incidents_declared_total", ("severity", "SEV2")));
        Assert.Equal(0, Value(resolved, "incidentbot_incidents_open", ("severity", "SEV2")));
        Assert.Equal(1, Value(resolved, "incidentbot_incidents_closed_total", ("severity", "SEV2"), ("status", "resolved")));
        Assert.Equal(1, Value(resolved, "incidentbot_incidents_time_to_resolve_seconds_count", ("severity", "SEV2"), ("service", "none")));
        Assert.Equal(2, Value(resolved, "incidentbot_inbox_ack_duration_seconds_count", ("platform", "slack"), ("kind", "command")));
        Assert.Equal(2, Value(resolved, "incidentbot_inbox_received_total", ("platform", "slack"), ("kind", "command")));
    }

    [SkippableFact]
    public async Task OurMeters_PassPromtoolsLint()
    {
        PrometheusTools.RequirePromtool();
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = Token });
        await h.CommandAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();

        var exposition = await ScrapeTextAsync(h);
        var ours = PrometheusTools.Only(exposition, "incidentbot_");
        var lint = PrometheusTools.RunPromtool(["check", "metrics"], ours);

        Assert.Contains("incidentbot_incidents_declared_total", ours);
        Assert.True(lint.ExitCode == 0, $"promtool check metrics:\n{lint.Output}{lint.Error}");
    }

    [Fact]
    public async Task Metrics_WithoutAToken_AreRefused_WithOneServed_AndOpen_ServedToAnyone()
    {
        await using var closed = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = Token });
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token-at-all-0000") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Client.SendAsync(wrong)).StatusCode);
        // A forwarded loopback address changes nothing: the caller's address is never the key.
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "127.0.0.1" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Client.SendAsync(forwarded)).StatusCode);
        Assert.Contains("incidentbot_", await ScrapeTextAsync(closed));

        await using var open = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Telemetry:Prometheus:Open"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await open.Client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);

        await using var off = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Telemetry:Prometheus:Enabled"] = "false", ["Web:ApiTokens:0"] = Token });
        using var request = Authorized();
        Assert.Equal(HttpStatusCode.NotFound, (await off.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task AStream_KeepsAtMostItsSeriesLimit_AndCountsTheRestInOneOverflowSeries()
    {
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = Token });
        // An instrument of one of the bot's meters, given more label sets than any of the bot's own streams has.
        using var meter = new Meter(InboxMetrics.MeterName);
        var counter = meter.CreateCounter<long>("incidentbot.test.labelled");
        var sets = TelemetrySetup.MinSeriesPerStream + 100;
        for (var i = 0; i < sets; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("value", $"v{i}"));
        }

        var series = (await ScrapeTextAsync(h)).Split('\n').Where(line => line.StartsWith("incidentbot_test_labelled_total{", StringComparison.Ordinal)).ToList();

        Assert.Equal(TelemetrySetup.MinSeriesPerStream + 1, series.Count);
        Assert.Single(series, line => line.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
        // Folded, not dropped: every measurement is still counted.
        Assert.Equal(sets, series.Sum(line => long.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task WithMoreServicesKept_AStreamKeepsEverySeverityWithEveryService()
    {
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = Token, ["Telemetry:MaxServiceLabels"] = "200" });
        using var meter = new Meter(IncidentMetrics.MeterName);
        var durations = meter.CreateHistogram<double>("incidentbot.test.durations");
        var severities = new[] { "SEV1", "SEV2", "SEV3", "SEV4" };
        for (var service = 0; service < 202; service++)
        {
            foreach (var severity in severities)
            {
                durations.Record(1, new KeyValuePair<string, object?>("severity", severity), new KeyValuePair<string, object?>("service", $"s{service}"));
            }
        }

        var series = (await ScrapeTextAsync(h)).Split('\n').Where(line => line.StartsWith("incidentbot_test_durations_count{", StringComparison.Ordinal)).ToList();

        Assert.Equal(4 * 202, series.Count);
        Assert.DoesNotContain(series, line => line.Contains("otel_metric_overflow", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4, 20, TelemetrySetup.MinSeriesPerStream)]
    [InlineData(4, 200, 808)]
    [InlineData(12, 200, 2424)]
    public void TheSeriesLimit_HoldsEverySeverityWithEveryKeptService(int severities, int maxServiceLabels, int expected) =>
        Assert.Equal(expected, TelemetrySetup.SeriesPerStream(severities, maxServiceLabels));

    internal static async Task<IReadOnlyList<Sample>> ScrapeAsync(SlackHarness h) => PrometheusTools.Parse(await ScrapeTextAsync(h));

    /// <summary>Samples the store's gauges (as the sampler does every 15 s), then scrapes with the API token.</summary>
    internal static async Task<string> ScrapeTextAsync(SlackHarness h)
    {
        await h.Bot.Services.GetRequiredService<TelemetrySampler>().SampleAsync(CancellationToken.None);
        using var request = Authorized();
        var response = await h.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return text;
    }

    private static HttpRequestMessage Authorized() =>
        new(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };

    private static double Value(IReadOnlyList<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && s.Has(labels)).ToList();
        Assert.True(matching.Count == 1, $"{name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}: {matching.Count} series; seen: " +
            string.Join(" ", samples.Where(s => s.Name == name).Select(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")))));
        return matching[0].Value;
    }
}
