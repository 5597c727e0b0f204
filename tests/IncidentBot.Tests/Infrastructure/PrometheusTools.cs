using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Prometheus' own tools, installed from Debian by CI: <c>promtool</c> (package <c>prometheus</c>) and the Python
/// client's text parser (<c>python3-prometheus-client</c>), so what we expose is judged by parsers that are not ours.
/// </summary>
public static class PrometheusTools
{
    public const string Promtool = "/usr/bin/promtool";
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> ParserPresent = new(() =>
        File.Exists(Python) && Run(Python, ["-c", "import prometheus_client.parser"], null).ExitCode == 0);

    public static void RequirePromtool() => TestDatabases.Require(File.Exists(Promtool), "promtool (Debian package prometheus)");

    public static void RequireParser() => TestDatabases.Require(ParserPresent.Value, "Python's prometheus_client (Debian package python3-prometheus-client)");

    /// <summary>Parses an exposition with <c>prometheus_client.parser</c>: every sample, by name and labels.</summary>
    public static IReadOnlyList<Sample> Parse(string exposition)
    {
        const string Script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(out))
            """;
        var run = Run(Python, ["-c", Script], exposition);
        Assert.True(run.ExitCode == 0, $"prometheus_client could not parse the exposition: {run.Error}");
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.EnumerateArray().Select(e => new Sample(
            e.GetProperty("family").GetString()!,
            e.GetProperty("type").GetString()!,
            e.GetProperty("name").GetString()!,
            e.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            e.GetProperty("value").ValueKind == JsonValueKind.Number ? e.GetProperty("value").GetDouble() : double.Parse(e.GetProperty("value").GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Runs promtool with <paramref name="arguments"/> (stdin optional); returns its exit code and output.</summary>
    public static (int ExitCode, string Output, string Error) RunPromtool(IEnumerable<string> arguments, string? stdin = null) => Run(Promtool, arguments, stdin);

    public static (int ExitCode, string Output, string Error) Run(string file, IEnumerable<string> arguments, string? stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The lines of an exposition that belong to metric families whose names start with <paramref name="prefix"/>.</summary>
    public static string Only(string exposition, string prefix) => string.Join('\n', exposition.Split('\n').Where(line =>
        line.StartsWith(prefix, StringComparison.Ordinal)
        || line.StartsWith("# HELP " + prefix, StringComparison.Ordinal)
        || line.StartsWith("# TYPE " + prefix, StringComparison.Ordinal)
        || line.StartsWith("# UNIT " + prefix, StringComparison.Ordinal))) + "\n";
}

public sealed record Sample(string Family, string Type, string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(params (string Key, string Value)[] labels) => labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
