namespace IncidentBot.Tests.Telemetry;

/// <summary>
/// Metrics and spans are published process-wide and every host listens by name, so tests that count them run alone:
/// no other test's incident can land in their numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
