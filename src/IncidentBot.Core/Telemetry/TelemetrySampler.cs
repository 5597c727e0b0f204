using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Telemetry;

/// <summary>
/// Reads the gauges that live in the store — queue depth and age per topic, open incidents per severity, the review
/// backlog, the services most incidents name — every <see cref="Interval"/>. A scrape then reads memory and never
/// waits on the database; and since the store is shared, every replica reports the same values.
/// </summary>
public sealed class TelemetrySampler(
    IWorkQueueStore queue,
    WorkDispatcher dispatcher,
    IIncidentStore incidents,
    IReviewStore reviews,
    WorkMetrics work,
    IncidentMetrics incidentMetrics,
    ReviewMetrics reviewMetrics,
    IOptions<IncidentsOptions> incidentOptions,
    TimeProvider clock,
    ILogger<TelemetrySampler> logger) : BackgroundService
{
    /// <summary>As often as a scraper usually asks.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>How many recent incidents decide which services keep their name in the <c>service</c> label.</summary>
    private const int RecentIncidents = 500;

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Every topic this process runs reports, at zero when empty, so a graph or an alert never sees a gap.
        var backlog = (await queue.BacklogAsync(now, cancellationToken)).ToList();
        backlog.AddRange(dispatcher.Topics.Where(t => backlog.All(b => b.Topic != t.Name)).Select(t => new TopicBacklog(t.Name, 0, null, 0)));
        work.Sampled(backlog, now);

        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var severity in incidentOptions.Value.SeverityNames)
        {
            var page = await incidents.ListAsync(new IncidentQuery(string.Empty, SeesEverything: true, Open: true, Severity: severity, Take: 1), cancellationToken);
            open[severity] = page.Total;
        }

        incidentMetrics.SampledOpen(open);
        var recent = await incidents.ListAsync(new IncidentQuery(string.Empty, SeesEverything: true, Take: RecentIncidents), cancellationToken);
        incidentMetrics.Services.Update(recent.Items.Select(i => i.Service));
        reviewMetrics.Sampled(await reviews.LoadCalendarAsync(now, cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The gauges keep their last values; /readyz tells whether the store is the problem.
                logger.LogWarning(ex, "Could not sample the store for metrics; trying again in {Seconds} s", Interval.TotalSeconds);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
