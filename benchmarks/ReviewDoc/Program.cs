using System.Diagnostics;
using System.Globalization;
using System.Text;
using IncidentBot.Benchmarks.ReviewDoc;
using IncidentBot.Core.Reviews.Docs;

// Generates the review document of a resolved incident with 10,000 timeline entries: a few warm-up runs, then 20
// timed ones. Prints one figure per line: median and max time, bytes allocated per document, peak working set, size.
const int Entries = 10_000;
const int WarmUps = 10;
const int Runs = 20;

var context = new ReviewDocContext(
    BenchmarkIncident.Build(Entries),
    TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"),
    "https://incidents.example.com/incidents/4242",
    new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc),
    ["SEV1", "SEV2", "SEV3", "SEV4"]);

var markdown = string.Empty;
for (var i = 0; i < WarmUps; i++)
{
    markdown = Generate(context);
}

var milliseconds = new double[Runs];
long allocated = 0;
for (var i = 0; i < Runs; i++)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    markdown = Generate(context);
    watch.Stop();
    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
    milliseconds[i] = watch.Elapsed.TotalMilliseconds;
}

Array.Sort(milliseconds);
var median = (milliseconds[(Runs - 1) / 2] + milliseconds[Runs / 2]) / 2;
using var process = Process.GetCurrentProcess();
process.Refresh();

var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"median ms: {median:F2}"));
Console.WriteLine(string.Create(culture, $"max ms: {milliseconds[^1]:F2}"));
Console.WriteLine(string.Create(culture, $"allocated MB per doc: {allocated / (double)Runs / (1024 * 1024):F2}"));
Console.WriteLine(string.Create(culture, $"peak working set MB: {process.PeakWorkingSet64 / (1024.0 * 1024):F1}"));
Console.WriteLine(string.Create(culture, $"doc size KB: {Encoding.UTF8.GetByteCount(markdown) / 1024.0:F1}"));
return 0;

static string Generate(ReviewDocContext context)
{
    var result = ReviewDocGenerator.Generate(context);
    return result.TemplateErrors.Count == 0
        ? result.Markdown
        : throw new InvalidOperationException(string.Join(Environment.NewLine, result.TemplateErrors));
}
