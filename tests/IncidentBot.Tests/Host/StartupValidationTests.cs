using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Host;

/// <summary>A wrong setting stops start-up with a message that names it.</summary>
public class StartupValidationTests
{
    [Theory]
    [InlineData("Storage:Provider", "MySql", "Storage:Provider")]
    [InlineData("Reviews:Meeting:Time", "25:00", "Reviews:Meeting:Time")]
    [InlineData("Incidents:DefaultSeverity", "SEV9", "Incidents:DefaultSeverity")]
    [InlineData("Incidents:TimeZone", "Mars/Olympus", "Incidents:TimeZone")]
    [InlineData("Reviews:Facilitators:0", "alice", "Reviews:Facilitators:0")]
    [InlineData("Reviews:Attendees:0", "Jane <jane at example.com>", "Reviews:Attendees:0 'Jane <jane at example.com>' is neither an e-mail address")]
    [InlineData("Reviews:Sponsor", "vera", "Reviews:Sponsor 'vera'")]
    [InlineData("Reviews:PresenterReminderHours", "-1", "Reviews:PresenterReminderHours")]
    [InlineData("Incidents:Permissions:Reslove:0", "declarer", "Incidents:Permissions:Reslove")]
    [InlineData("Incidents:Permissions:Resolve:0", "comander", "Incidents:Permissions:Resolve:0 'comander'")]
    [InlineData("Incidents:Permissions:Resolve:0", "holder", "Incidents:Permissions:Resolve:0 'holder'")]
    [InlineData("Incidents:Permissions:Declare:0", "roles", "Incidents:Permissions:Declare:0 'roles'")]
    [InlineData("Incidents:Permissions:Resolve", "", "Incidents:Permissions:Resolve names nobody")]
    [InlineData("Incidents:Permissions:Resolve", "lead, comander", "Incidents:Permissions:Resolve:1 'comander'")]
    [InlineData("Web:PublicBaseUrl", "incidents.example.com", "Web:PublicBaseUrl")]
    [InlineData("Outbox:MaxAttempts", "0", "Outbox:MaxAttempts")]
    [InlineData("Outbound:BreakDuration", "00:00:00", "Outbound:BreakDuration")]
    [InlineData("Outbound:MaxInlineRetryAfter", "00:10:00", "Outbound:MaxInlineRetryAfter")]
    public void WrongSetting_StopsStartup_NamingIt(string key, string value, string named)
    {
        var error = Assert.Throws<ConfigurationErrorsException>(() => Build((key, value)));

        Assert.Contains(error.Lines, l => l.StartsWith($"Configuration error: {named}", StringComparison.Ordinal));
        Assert.NotNull(FindValidationError(error));
    }

    [Fact]
    public void Postgres_WithoutConnectionString_NamesTheSetting()
    {
        var error = Assert.Throws<ConfigurationErrorsException>(() => Build(("Storage:Provider", "Postgres"), ("Storage:ConnectionString", "")));

        Assert.Contains(error.Lines, l => l.StartsWith("Configuration error: Storage:ConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void SeveralWrongSettings_AreAllNamed_OneLineEach()
    {
        var error = Assert.Throws<ConfigurationErrorsException>(() => Build(("Incidents:TimeZone", "Mars/Olympus"), ("Outbox:MaxAttempts", "0"), ("Reviews:Meeting:Time", "25:00")));

        Assert.Single(error.Lines, l => l.StartsWith("Configuration error: Incidents:TimeZone", StringComparison.Ordinal));
        Assert.Single(error.Lines, l => l.StartsWith("Configuration error: Outbox:MaxAttempts", StringComparison.Ordinal));
        Assert.Single(error.Lines, l => l.StartsWith("Configuration error: Reviews:Meeting:Time", StringComparison.Ordinal));
        Assert.All(error.Lines, l => Assert.DoesNotContain('\n', l));
    }

    [Theory]
    [InlineData("Telemetry:MaxServiceLabels", "0", "Configuration error: Telemetry:MaxServiceLabels")]
    [InlineData("Telemetry:Otlp:Endpoint", "collector:4318", "Configuration error: Telemetry:Otlp:Endpoint")]
    [InlineData("Incidents:TimeZone", "Mars/Olympus", "Configuration error: Incidents:TimeZone")]
    public void ASettingTheTelemetryWiringReads_IsNamedBesideTheOthers(string key, string value, string named)
    {
        // The metrics are wired while the start-up check runs: a wrong setting they read must not cut the list short.
        var error = Assert.Throws<ConfigurationErrorsException>(() => Build((key, value), ("Outbox:MaxAttempts", "0")));

        Assert.Single(error.Lines, l => l.StartsWith(named, StringComparison.Ordinal));
        Assert.Single(error.Lines, l => l.StartsWith("Configuration error: Outbox:MaxAttempts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Reviews:Meeting:DayOfWeek", "Funday", "Configuration error: Reviews:Meeting:DayOfWeek \"Funday\" is not a day (Monday … Sunday)")]
    [InlineData("Reviews:SessionCapacity", "abc", "Configuration error: Reviews:SessionCapacity \"abc\" is not a whole number")]
    [InlineData("Web:Console:Open", "perhaps", "Configuration error: Web:Console:Open \"perhaps\" is not true or false")]
    [InlineData("Incidents:Severities:0:Name", "SEV1", null)]
    public void ValueThatCannotBeRead_IsNamedWithWhatItShouldBe(string key, string value, string? line)
    {
        var check = ConfigurationCheck.Inspect(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build());

        Assert.Equal(line is null ? Array.Empty<string>() : new[] { line }, check.Errors);
    }

    [Theory]
    [InlineData("Storage:Provder", "Configuration warning: Storage:Provder is not a setting IncidentBot reads; did you mean Storage:Provider?")]
    [InlineData("Reviews:Meeting:DayOfWeak", "Configuration warning: Reviews:Meeting:DayOfWeak is not a setting IncidentBot reads; did you mean Reviews:Meeting:DayOfWeek?")]
    [InlineData("Incidents:Roles:0:Alises", "Configuration warning: Incidents:Roles:0:Alises is not a setting IncidentBot reads; did you mean Incidents:Roles:0:Aliases?")]
    [InlineData("Slack:Frobnicate", "Configuration warning: Slack:Frobnicate is not a setting IncidentBot reads; it is ignored.")]
    public void UnknownKey_IsWarnedWithTheClosestKnownKey(string key, string warning)
    {
        var check = ConfigurationCheck.Inspect(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "x" }).Build());

        Assert.Equal(new[] { warning }, check.Warnings);
    }

    /// <summary>Builds the host as the process does (without starting it), with these settings on the command line.</summary>
    private static void Build(params (string Key, string Value)[] settings) =>
        IncidentBotHost.Build(["--environment", "Testing", .. settings.Select(s => $"--{s.Key}={s.Value}")]);

    private static OptionsValidationException? FindValidationError(Exception? e)
    {
        while (e is not null)
        {
            if (e is OptionsValidationException v)
            {
                return v;
            }

            if (e is AggregateException a)
            {
                return a.InnerExceptions.Select(FindValidationError).FirstOrDefault(x => x is not null);
            }

            e = e.InnerException;
        }

        return null;
    }
}
