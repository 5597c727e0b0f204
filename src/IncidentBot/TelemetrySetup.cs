using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Options;
using IncidentBot.Core.Telemetry;
using IncidentBot.Core.Work;
using IncidentBot.Web.Access;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IncidentBot;

/// <summary>
/// Metrics (Prometheus at <c>/metrics</c>, OTLP), traces (OTLP) and logs (json with trace ids) for the people who run
/// the bot. The bot's own meters and spans are named in <see cref="IncidentTelemetry"/>; this file only wires them out.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddIncidentTelemetry(this WebApplicationBuilder builder)
    {
        // A shipper reading json lines wants the trace and span ids on each; the plain format stays as it was, since
        // it prints no scopes unless asked to.
        builder.Services.AddOptions<JsonConsoleFormatterOptions>().Configure<IConfiguration>((json, configuration) =>
        {
            var set = configuration.GetSection("Logging:Console:FormatterOptions");
            json.IncludeScopes = set["IncludeScopes"] is not { } scopes || bool.Parse(scopes);
            json.UseUtcTimestamp = set["UseUtcTimestamp"] is not { } utc || bool.Parse(utc);
            // The plain format's setting ends with the space that separates it from the level; a json value must not.
            json.TimestampFormat = (set["TimestampFormat"] ?? "yyyy-MM-ddTHH:mm:ss.fffZ").Trim();
        });

        var version = typeof(TelemetrySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("incidentbot", serviceVersion: version, serviceInstanceId: WorkDispatcher.Owner))
            .WithTracing(tracing => tracing
                .AddSource(IncidentTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddProcessor(Otlp.Traces))
            .WithMetrics(metrics => metrics
                .AddMeter([.. IncidentTelemetry.MeterNames])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .LimitSeriesPerStream()
                // Every scrape reads fresh values: scrapers ask every few seconds, never often enough to need a cache.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
                .AddOtlpReaderWhenConfigured());
        return builder;
    }

    /// <summary>
    /// Only with an endpoint, decided once the options are final: every reader keeps its own copy of every series
    /// (~150 KB each), and each measurement on the ack path is aggregated once per reader.
    /// </summary>
    private static MeterProviderBuilder AddOtlpReaderWhenConfigured(this MeterProviderBuilder metrics) =>
        ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
        {
            if (Otlp.Metrics(services) is { } otlp)
            {
                provider.AddReader(otlp);
            }
        });

    /// <summary>
    /// Each metric stream sets aside room for as many series as its limit allows, per reader, from its first
    /// measurement: OpenTelemetry's default of 2,000 made the 49 streams of an idle bot hold 8.6 MB, more than half its
    /// managed heap. Ours stay far below <see cref="MinSeriesPerStream"/>: the busiest, the HTTP server's durations, is
    /// route × method × status, a few dozen routes each answering with a handful of statuses (a path no route matches
    /// has no route label); the widest we label ourselves is the incident durations, severity × service. A stream past
    /// its limit counts new label sets in one overflow series (<c>otel_metric_overflow="true"</c>) instead of growing.
    /// </summary>
    private static MeterProviderBuilder LimitSeriesPerStream(this MeterProviderBuilder metrics) =>
        ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
        {
            var limit = (ValidOrNull<IncidentsOptions>(services), ValidOrNull<TelemetryOptions>(services)) is ({ } incidents, { } telemetry)
                ? SeriesPerStream(incidents.Severities.Count, telemetry.MaxServiceLabels)
                : MinSeriesPerStream;
            provider.AddView(_ => new MetricStreamConfiguration { CardinalityLimit = limit });
        });

    internal const int MinSeriesPerStream = 200;

    /// <summary>
    /// Settings the telemetry wiring reads, or null while they are invalid. The meter provider is built while the
    /// start-up check runs; throwing here would stop the host naming only this section's errors, not every one, and
    /// with a setting wrong the host never starts anyway.
    /// </summary>
    internal static T? ValidOrNull<T>(IServiceProvider services)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    /// <summary>Room for every severity with every value the capped <c>service</c> label can take.</summary>
    internal static int SeriesPerStream(int severities, int maxServiceLabels) =>
        Math.Max(MinSeriesPerStream, severities * LabelCap.ValuesWith(maxServiceLabels));

    /// <summary>Marks each request's arrival for the ack latency; first in the pipeline so the measure starts at the door.</summary>
    public static void UseDeliveryTiming(this WebApplication app) =>
        app.Use((http, next) =>
        {
            InboxMetrics.MarkArrival();
            return next(http);
        });

    public static void MapTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.Prometheus.Enabled)
        {
            // Never decided from the caller's address, which a proxy or a forwarded header can make anything.
            var scrape = app.MapPrometheusScrapingEndpoint(MetricsPath);
            if (!options.Prometheus.Open)
            {
                scrape.RequireAuthorization(WebAuthentication.ApiTokenPolicy);
            }
        }
    }

    /// <summary>Probes and scrapes: frequent, and no one's question; they would bury the traces worth reading.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    /// <summary>Writes <c>/readyz</c> as JSON naming each check, its status, why, and its figures.</summary>
    public static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, HealthJson, http.RequestAborted);
    }

    private static readonly JsonSerializerOptions HealthJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    internal static OtlpExporterOptions Exporter(TelemetryOptions.OtlpOptions otlp, string signal)
    {
        var endpoint = otlp.Endpoint!.TrimEnd('/');
        return otlp.Grpc
            ? new OtlpExporterOptions { Protocol = OtlpExportProtocol.Grpc, Endpoint = new Uri(endpoint) }
            : new OtlpExporterOptions { Protocol = OtlpExportProtocol.HttpProtobuf, Endpoint = new Uri($"{endpoint}/v1/{signal}") };
    }
}

/// <summary>The OTLP exporters, from the validated options (which tests and hosting may set late); none when no endpoint is set.</summary>
internal static class Otlp
{
    public static BaseProcessor<System.Diagnostics.Activity> Traces(IServiceProvider services) =>
        Settings(services) is { } otlp ? TraceExporter(otlp) : new NoExportOfSpans();

    public static MetricReader? Metrics(IServiceProvider services) =>
        Settings(services) is { } otlp ? MetricExporter(otlp) : null;

    private static TelemetryOptions.OtlpOptions? Settings(IServiceProvider services) =>
        TelemetrySetup.ValidOrNull<TelemetryOptions>(services)?.Otlp is { Enabled: true } otlp ? otlp : null;

    // The exporters are made apart from the decision, so that a bot without a collector never loads their assembly
    // (half a megabyte): a method's code, and what it names, is only loaded when it is first called.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BatchActivityExportProcessor TraceExporter(TelemetryOptions.OtlpOptions otlp) =>
        new BatchActivityExportProcessor(new OtlpTraceExporter(TelemetrySetup.Exporter(otlp, "traces")));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PeriodicExportingMetricReader MetricExporter(TelemetryOptions.OtlpOptions otlp) =>
        new PeriodicExportingMetricReader(new OtlpMetricExporter(TelemetrySetup.Exporter(otlp, "metrics")));

    /// <summary>Spans are still made without an exporter: their ids tie the json log lines of one request together.</summary>
    private sealed class NoExportOfSpans : BaseProcessor<System.Diagnostics.Activity>;
}
