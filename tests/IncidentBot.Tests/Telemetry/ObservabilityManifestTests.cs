using System.Text.Json;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;

namespace IncidentBot.Tests.Telemetry;

/// <summary>The shipped rules and dashboard in <c>manifests/observability</c>, checked against Prometheus' tools and our own exposition.</summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class ObservabilityManifestTests
{
    private static readonly string Folder = Repository.PathOf("manifests", "observability");

    [SkippableFact]
    public void Rules_PassPromtoolsCheck_AndTheirUnitTests()
    {
        PrometheusTools.RequirePromtool();

        var check = PrometheusTools.RunPromtool(["check", "rules", Path.Combine(Folder, "rules.yml")]);
        var test = PrometheusTools.RunPromtool(["test", "rules", Path.Combine(Folder, "rules.test.yml")]);

        Assert.True(check.ExitCode == 0, $"promtool check rules:\n{check.Output}{check.Error}");
        Assert.True(test.ExitCode == 0, $"promtool test rules:\n{test.Output}{test.Error}");
    }

    [Fact]
    public void EveryAlert_HasARunbook()
    {
        var alerts = AlertRunbook().Matches(File.ReadAllText(Path.Combine(Folder, "rules.yml"))).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, runbook => Assert.True(File.Exists(Path.Combine(Repository.Root, runbook)), $"{runbook} is missing"));
    }

    [SkippableFact]
    public async Task EveryDashboardQuery_NamesAMetricTheBotExports_OrARecordedRule()
    {
        PrometheusTools.RequireParser();
        await using var h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Web:ApiTokens:0"] = "scrape-token-0123456789abcdef" });
        await h.CommandAsync("declare sev2 Checkout errors spike");
        await h.SettleAsync();
        await h.CommandAsync("resolve rolled back", h.Slack.ChannelNamed("inc-1-checkout-errors-spike")!.Id);
        await h.SettleAsync();
        var exported = (await MetricsScrapeTests.ScrapeAsync(h)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var recorded = Recorded().Matches(File.ReadAllText(Path.Combine(Folder, "rules.yml"))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            var exprs = panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!).ToList();
            Assert.True(exprs.Count > 0, $"panel '{title}' has no query");
            foreach (var expr in exprs)
            {
                var names = MetricName().Matches(expr).Select(m => m.Value).ToList();
                Assert.True(names.Count > 0, $"panel '{title}': '{expr}' names no metric of ours");
                Assert.All(names, name => Assert.True(exported.Contains(name) || recorded.Contains(name),
                    $"panel '{title}' queries {name}, which the bot does not export and no rule records"));
            }
        }
    }

    [GeneratedRegex(@"runbook_url:\s*(\S+)")]
    private static partial Regex AlertRunbook();

    [GeneratedRegex(@"record:\s*(\S+)")]
    private static partial Regex Recorded();

    [GeneratedRegex(@"incidentbot[_:][a-z0-9_:]+")]
    private static partial Regex MetricName();
}
