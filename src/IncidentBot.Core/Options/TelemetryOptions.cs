using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

/// <summary>Settings under <c>Telemetry</c>: where metrics and traces go, and when <c>/readyz</c> reports the queue degraded.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public OtlpOptions Otlp { get; set; } = new();

    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary><c>/readyz</c> reports Degraded when the oldest due work item has waited longer. Default 1 minute.</summary>
    public TimeSpan MaxQueueAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Services named in the <c>service</c> label (the most frequent among recent incidents); the rest are <c>other</c>. Default 20.</summary>
    public int MaxServiceLabels { get; set; } = 20;

    public sealed class OtlpOptions
    {
        /// <summary>An OpenTelemetry collector's OTLP address (<c>http://collector:4318</c>); traces and metrics are sent there. Off when unset.</summary>
        public string? Endpoint { get; set; }

        /// <summary><c>http/protobuf</c> (default; the endpoint is the base URL, <c>/v1/traces</c> and <c>/v1/metrics</c> are added) or <c>grpc</c>.</summary>
        public string Protocol { get; set; } = "http/protobuf";

        public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

        public bool Grpc => string.Equals(Protocol, "grpc", StringComparison.OrdinalIgnoreCase);
    }

    public sealed class PrometheusOptions
    {
        /// <summary>Serve <c>/metrics</c> in Prometheus' text format. Default on.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary><c>/metrics</c> answers without an API token (a scraper inside a private network). Default off.</summary>
        public bool Open { get; set; }
    }
}

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new List<string>();
        if (options.Otlp.Enabled && !(Uri.TryCreate(options.Otlp.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            errors.Add($"Telemetry:Otlp:Endpoint must be an absolute http(s) URL such as http://collector:4318 (it is '{options.Otlp.Endpoint}').");
        }

        if (!options.Otlp.Grpc && !string.Equals(options.Otlp.Protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Telemetry:Otlp:Protocol must be http/protobuf or grpc (it is '{options.Otlp.Protocol}').");
        }

        if (options.MaxQueueAge <= TimeSpan.Zero)
        {
            errors.Add("Telemetry:MaxQueueAge must be positive (for example 00:01:00).");
        }

        if (options.MaxServiceLabels is < 1 or > 200)
        {
            errors.Add("Telemetry:MaxServiceLabels must be between 1 and 200: each value is a series in every scraper.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
