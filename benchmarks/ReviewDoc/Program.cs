using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using IncidentBot.Benchmarks.ReviewDoc;
using IncidentBot.Core.Reviews.Docs;

// The review document of a resolved incident with 10,000 timeline entries, measured by BenchmarkDotNet in this
// process (no generated project to build). Prints BenchmarkDotNet's summary; with --json, one JSON line at the end.
//   dotnet ReviewDoc.dll [--json] [--quick]
var quick = args.Contains("--quick");
var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(quick ? 2 : 5).WithIterationCount(quick ? 5 : 15);
var config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddLogger(args.Contains("--json") ? NullLogger.Instance : ConsoleLogger.Default)
    .WithOption(ConfigOptions.DisableLogFile, true)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "incidentbot-reviewdoc-artifacts"));
var summary = BenchmarkRunner.Run<ReviewDocBenchmark>(config);
var report = summary.Reports.Single();
if (report.ResultStatistics is not { } statistics)
{
    Console.Error.WriteLine("BenchmarkDotNet measured nothing");
    return 1;
}

var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
Console.WriteLine(JsonSerializer.Serialize(new
{
    entries = ReviewDocBenchmark.Entries,
    medianMs = statistics.Median / 1_000_000,
    meanMs = statistics.Mean / 1_000_000,
    maxMs = statistics.Max / 1_000_000,
    allocatedMb = allocated / (1024.0 * 1024),
}));
return 0;

namespace IncidentBot.Benchmarks.ReviewDoc
{
    [MemoryDiagnoser]
    public class ReviewDocBenchmark
    {
        public const int Entries = 10_000;
        private ReviewDocContext _context = null!;

        [GlobalSetup]
        public void Setup() => _context = new ReviewDocContext(
            BenchmarkIncident.Build(Entries),
            TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"),
            "https://incidents.example.com/incidents/4242",
            new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc),
            ["SEV1", "SEV2", "SEV3", "SEV4"]);

        [Benchmark]
        public string Generate()
        {
            var result = ReviewDocGenerator.Generate(_context);
            return result.TemplateErrors.Count == 0
                ? result.Markdown
                : throw new InvalidOperationException(string.Join(Environment.NewLine, result.TemplateErrors));
        }
    }
}
