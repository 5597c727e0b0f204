using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Host;

/// <summary>A wrong setting stops start-up with a message that names it.</summary>
public class StartupValidationTests
{
    [Theory]
    [InlineData("Storage:Provider", "MySql", "Storage:Provider")]
    [InlineData("Incidents:DefaultSeverity", "SEV9", "Incidents:DefaultSeverity")]
    [InlineData("Incidents:TimeZone", "Mars/Olympus", "Incidents:TimeZone")]
    [InlineData("Reviews:Facilitators:0", "alice", "Reviews:Facilitators:0")]
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
        using var factory = new BotFactory(new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => { _ = factory.CreateClient(); });

        var validation = FindValidationError(error);
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_WithoutConnectionString_NamesTheSetting()
    {
        using var factory = new BotFactory(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = "" });

        var error = Assert.ThrowsAny<Exception>(() => { _ = factory.CreateClient(); });

        Assert.Contains("Storage:ConnectionString", FindValidationError(error)?.Message ?? string.Empty, StringComparison.Ordinal);
    }

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
