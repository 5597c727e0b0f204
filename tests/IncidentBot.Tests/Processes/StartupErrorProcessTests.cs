using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// A wrong setting, as the operator meets it: the real process prints one line per problem, naming the setting, all
/// problems at once, no stack trace, and exits with code 1. A misspelt key is warned about with the key it most likely meant.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StartupErrorProcessTests : IAsyncLifetime
{
    private BotProcesses _bots = null!;

    public Task InitializeAsync()
    {
        _bots = BotProcesses.InNewFolder();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bots.DisposeAsync();

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] bad)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = TestDatabases.LiteDb, ["Storage:Path"] = _bots.LiteDbFile() };
        foreach (var (key, value) in bad)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Theory]
    [InlineData("Reviews:Meeting:DayOfWeek", "Funday", "Configuration error: Reviews:Meeting:DayOfWeek \"Funday\" is not a day")]
    [InlineData("Reviews:SessionCapacity", "abc", "Configuration error: Reviews:SessionCapacity \"abc\" is not a whole number")]
    [InlineData("Outbox:PollInterval", "soon", "Configuration error: Outbox:PollInterval \"soon\" is not a duration")]
    [InlineData("Storage:Provider", "MySql", "Configuration error: Storage:Provider must be 'LiteDb' or 'Postgres' (got 'MySql').")]
    [InlineData("Incidents:TimeZone", "Mars/Olympus", "Configuration error: Incidents:TimeZone 'Mars/Olympus' is not a known IANA time zone")]
    [InlineData("Reviews:Meeting:Time", "25:00", "Configuration error: Reviews:Meeting:Time must be a 24-hour time like 16:00 (got '25:00').")]
    public Task BadSetting_ExitsWithCodeOne_SayingSoOnOneLine_WithoutAStackTrace(string key, string value, string line) => _bots.RunAsync(async () =>
    {
        var bot = _bots.Start("bad-setting", Settings((key, value)));

        Assert.Equal(1, await bot.WaitForExitAsync());
        Assert.Single(bot.Lines, l => l.Contains(line, StringComparison.Ordinal));
        AssertNoStackTrace(bot);
    });

    [Fact]
    public Task SeveralBadSettings_AreAllReportedAtOnce() => _bots.RunAsync(async () =>
    {
        var conversions = _bots.Start("conversions", Settings(("Reviews:Meeting:DayOfWeek", "Funday"), ("Reviews:SessionCapacity", "abc")));
        var validations = _bots.Start("validations", Settings(("Incidents:TimeZone", "Mars/Olympus"), ("Reviews:Meeting:Time", "25:00")));

        Assert.Equal(1, await conversions.WaitForExitAsync());
        Assert.Equal(1, await validations.WaitForExitAsync());
        Assert.Equal(2, conversions.Lines.Count(l => l.StartsWith("err| Configuration error: Reviews:", StringComparison.Ordinal)));
        Assert.Single(validations.Lines, l => l.StartsWith("err| Configuration error: Incidents:TimeZone", StringComparison.Ordinal));
        Assert.Single(validations.Lines, l => l.StartsWith("err| Configuration error: Reviews:Meeting:Time", StringComparison.Ordinal));
        AssertNoStackTrace(conversions);
        AssertNoStackTrace(validations);
    });

    [Fact]
    public Task MisspeltKey_IsWarnedWithTheKeyItMostLikelyMeant_AndTheBotStillStarts() => _bots.RunAsync(async () =>
    {
        var bot = await _bots.StartReadyAsync("misspelt", Settings(("Storage:Provder", "Postgres")));

        Assert.Single(bot.Lines, l => l.Contains(
            "Configuration warning: Storage:Provder is not a setting IncidentBot reads; did you mean Storage:Provider?", StringComparison.Ordinal));
    });

    [Fact]
    public Task MisspeltKey_NextToABadSetting_IsPrintedWithTheError() => _bots.RunAsync(async () =>
    {
        var bot = _bots.Start("misspelt-and-bad", Settings(("Reviews:SessionCapacity", "abc"), ("Reviews:SesionCapacity", "3")));

        Assert.Equal(1, await bot.WaitForExitAsync());
        Assert.Single(bot.Lines, l => l.Contains("did you mean Reviews:SessionCapacity?", StringComparison.Ordinal));
        AssertNoStackTrace(bot);
    });

    private static void AssertNoStackTrace(BotProcess bot) =>
        Assert.DoesNotContain(bot.Lines, l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
}
