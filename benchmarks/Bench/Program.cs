using System.Globalization;
using System.Text.Json;
using IncidentBot.Benchmarks;

// benchmarks/run.sh builds everything in Release and starts this with the paths it prepared. Each suite starts the
// processes it measures on 127.0.0.1, bounds its load in time and count, and adds figures to one table.
//   Bench run <repo> <work> [--quick] [--only ack,declare,ingest,teams,doc]
//   Bench ceiling <port>        (a bare Kestrel endpoint answering 200: the ceiling for the ack benchmark)
//   Bench serve <repo> <work> [--quick] [slack delay ms]   (the stand-in and the bot, for profiling by hand)
if (args.ElementAtOrDefault(0) == "ceiling")
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
    builder.Logging.ClearProviders();
    var app = builder.Build();
    app.MapPost("/slack/commands", () => Results.Ok());
    await app.RunAsync();
    return 0;
}

if (args.ElementAtOrDefault(0) == "serve")
{
    var delay = args.Skip(3).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(int.Parse).FirstOrDefault();
    await new Suites(Path.GetFullPath(args[1]), Path.GetFullPath(args[2]), args.Contains("--quick"), null, null).ServeAsync(delay);
    return 0;
}

var repo = Path.GetFullPath(args.ElementAtOrDefault(1) ?? ".");
var work = Path.GetFullPath(args.ElementAtOrDefault(2) ?? Path.GetTempPath());
var quick = args.Contains("--quick");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',') ?? ["ack", "declare", "ingest", "teams", "doc"];
var bench = new Suites(repo, work, quick, Environment.GetEnvironmentVariable("BENCH_POSTGRES"), Environment.GetEnvironmentVariable("BENCH_BOLT_DIR"));
var failures = new List<string>();
foreach (var suite in only)
{
    try
    {
        Console.Error.WriteLine($"bench: {suite} …");
        await (suite switch
        {
            "ack" => bench.AckAsync(),
            "declare" => bench.DeclareAsync(),
            "ingest" => bench.IngestAsync(),
            "teams" => bench.TeamsAsync(),
            "doc" => bench.DocAsync(),
            _ => throw new ArgumentException($"unknown suite {suite}"),
        });
    }
    catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TimeoutException or System.ComponentModel.Win32Exception)
    {
        failures.Add($"{suite}: {e.Message}");
        Console.Error.WriteLine($"bench: {suite} could not be measured: {e}");
    }
}

bench.Table.Print(Console.Out);
var json = Path.Combine(work, "results.json");
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { machine = $"{Environment.ProcessorCount} cores", at = DateTimeOffset.UtcNow, quick, figures = bench.Table.Rows, failures }, JsonOut.Indented));
Console.WriteLine($"JSON: {json}");
foreach (var failure in failures)
{
    Console.WriteLine($"not measured: {failure}");
}

return failures.Count == 0 ? 0 : 1;

namespace IncidentBot.Benchmarks
{
    internal sealed record Row(string Figure, double Value, string Unit, string Goal, bool? Met, string? Peer, double? PeerValue, double? Ratio);

    internal sealed class Table
    {
        public List<Row> Rows { get; } = [];

        public void Add(string figure, double value, string unit, string goal, bool? met, string? peer = null, double? peerValue = null, double? ratio = null)
        {
            Rows.Add(new Row(figure, Math.Round(value, 2), unit, goal, met, peer, peerValue is { } p ? Math.Round(p, 2) : null, ratio is { } r ? Math.Round(r, 2) : null));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench:   {figure}: {value:0.##} {unit}"));
        }

        public void Print(TextWriter output)
        {
            string Cell(double? v) => v is { } x ? x.ToString(x >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture) : "";
            var lines = Rows.Select(r => new[]
            {
                r.Figure, $"{Cell(r.Value)} {r.Unit}", r.Goal, r.Peer is null ? "" : $"{r.Peer} {Cell(r.PeerValue)}", r.Ratio is { } x ? $"{x:0.00}×" : "",
                r.Met switch { true => "met", false => "MISSED", null => "" },
            }).ToList();
            string[] head = ["figure", "measured", "goal", "peer", "ratio", ""];
            var widths = head.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
            void Line(string[] cells) => output.WriteLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
            Line(head);
            Line(widths.Select(w => new string('-', w)).ToArray());
            lines.ForEach(Line);
        }
    }
}
