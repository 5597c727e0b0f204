using IncidentBot.Core.Work;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The real host in memory, on its own LiteDB file unless the settings say otherwise. The environment is "Testing"
/// unless a test names another: like Production it trusts nobody by default (only Development does).
/// </summary>
public sealed class BotFactory(
    IDictionary<string, string?>? settings = null,
    FakeTimeProvider? clock = null,
    Action<IServiceCollection>? services = null,
    string environment = "Testing")
    : WebApplicationFactory<Program>
{
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), "incidentbot-tests", $"{Guid.NewGuid():N}.litedb");

    public FakeTimeProvider Clock { get; } = clock ?? TestTime.NewClock();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Storage:Path", _databaseFile);

        // Tests move the fake clock by minutes or weeks in one step while background loops run work; no renewal can
        // run inside a step, so a real lease would lapse mid-run and the work would run again. Leases have their own
        // tests (the work queue's and the dispatcher's, and the process tests); a test may still set its own.
        builder.UseSetting("Outbox:LeaseDuration", "30.00:00:00");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(Clock);
            services?.Invoke(s);
        });
    }

    public WorkDispatcher Work => Services.GetRequiredService<WorkDispatcher>();
}
