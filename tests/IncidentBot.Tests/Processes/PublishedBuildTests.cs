using System.Text.Json;
using IncidentBot.Core.Options;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// The built bot run as the shipped systemd unit runs it: <c>dotnet IncidentBot.dll</c> from a working directory that
/// is not the app's folder, in the default (Production) environment, with only the bundled settings files for logging.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PublishedBuildTests : IAsyncLifetime
{
    /// <summary>Categories that log while the host starts and stops, not because of a request.</summary>
    private static readonly string[] StartUpCategories = ["Microsoft.Hosting.Lifetime", "IncidentBot.Startup"];

    private BotProcesses _bots = null!;
    private FakeSlackApi _slack = null!;

    public async Task InitializeAsync()
    {
        _bots = BotProcesses.InNewFolder();
        _slack = await FakeSlackApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bots.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public Task FromAnotherWorkingDirectory_OneDeclareLogsAtMostThreeLines_NoneWithALinkOrToken() => _bots.RunAsync(async () =>
    {
        var workingDirectory = Path.Combine(_bots.Folder, "var-lib-incidentbot");
        Directory.CreateDirectory(workingDirectory);
        // No Storage:Path: the default, relative one, which must land in the working directory, not beside the app.
        var settings = ProcessSlack.Settings(_slack.ApiBaseUrl, new Dictionary<string, string?> { ["Storage:Provider"] = TestDatabases.LiteDb });
        var bot = await _bots.StartReadyAsync("published", settings, workingDirectory, environment: "Production");
        var startUpLines = bot.Lines.Count;

        await bot.DeclareAsync(_slack);
        await _slack.DeclaredAsync();

        var declareLines = bot.Lines.Skip(startUpLines)
            .Where(line => !StartUpCategories.Any(category => line.Contains(category, StringComparison.Ordinal)))
            .ToList();
        Assert.True(declareLines.Count <= 3, $"One declare logged {declareLines.Count} lines:{Environment.NewLine}{string.Join(Environment.NewLine, declareLines)}");
        Assert.DoesNotContain(bot.Lines, line => line.Contains("/respond/", StringComparison.Ordinal)
            || line.Contains("hooks.slack.com", StringComparison.OrdinalIgnoreCase)
            || line.Contains(settings["Slack:BotToken"]!, StringComparison.Ordinal)
            || line.Contains(SlackHarness.SigningSecret, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(workingDirectory, StorageOptions.DefaultPath)), "the default data file is relative to the working directory");
    });

    [Fact]
    public Task JsonLogs_AreOneObjectPerLine_AndTheDeclaresLinesCarryItsTraceAndSpanIds() => _bots.RunAsync(async () =>
    {
        var settings = ProcessSlack.Settings(_slack.ApiBaseUrl, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = TestDatabases.LiteDb,
            ["Storage:Path"] = Path.Combine(_bots.Folder, "json-logs.db"),
            ["Logging:Console:FormatterName"] = "json",
        });
        var bot = await _bots.StartReadyAsync("json", settings, environment: "Production");
        var startUpLines = bot.Lines.Count;

        await bot.DeclareAsync(_slack);
        await _slack.DeclaredAsync();
        await TestTime.UntilAsync(() => bot.Lines.Skip(startUpLines).Any(line => line.Contains("declared", StringComparison.OrdinalIgnoreCase)), "the declare's log line");

        var documents = bot.Lines.Where(line => line.StartsWith("out|", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["out|".Length..]))
            .ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.True(d.RootElement.TryGetProperty("Category", out _), d.RootElement.GetRawText()));
        var declareLines = documents.Skip(startUpLines)
            .Where(d => d.RootElement.GetProperty("Message").GetString()!.Contains("declared", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(declareLines);
        Assert.All(declareLines, d =>
        {
            var scopes = d.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
            var ids = scopes.Where(scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out _)).ToList();
            Assert.True(ids.Count > 0, $"no trace id in {d.RootElement.GetRawText()}");
            Assert.Matches("^[0-9a-f]{32}$", ids[0].GetProperty("TraceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", ids[0].GetProperty("SpanId").GetString());
        });
    });

    [Fact]
    public Task PlainLogs_CarryNoTraceIds() => _bots.RunAsync(async () =>
    {
        var settings = ProcessSlack.Settings(_slack.ApiBaseUrl, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = TestDatabases.LiteDb,
            ["Storage:Path"] = Path.Combine(_bots.Folder, "plain-logs.db"),
        });
        var bot = await _bots.StartReadyAsync("plain", settings, environment: "Production");
        var startUpLines = bot.Lines.Count;

        await bot.DeclareAsync(_slack);
        await _slack.DeclaredAsync();
        await TestTime.UntilAsync(() => bot.Lines.Skip(startUpLines).Any(line => line.Contains("declared", StringComparison.OrdinalIgnoreCase)), "the declare's log line");

        Assert.DoesNotContain(bot.Lines, line => line.Contains("TraceId", StringComparison.Ordinal) || line.Contains("SpanId", StringComparison.Ordinal));
    });
}
