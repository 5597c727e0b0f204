using IncidentBot.Core;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Work;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The core as the host builds it (real mediator, real database, real outbox), without the web: one per
/// "process". Two harnesses on one PostgreSQL database behave as two replicas.
/// </summary>
public sealed class CoreHarness : IAsyncDisposable
{
    private CoreHarness(ServiceProvider services, FakeTimeProvider clock)
    {
        Services = services;
        Clock = clock;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Clock { get; }

    public static async Task<CoreHarness> StartAsync(TestDatabase database, Action<IServiceCollection>? configure = null,
        IDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null)
    {
        var all = new Dictionary<string, string?>(database.Settings);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        clock ??= TestTime.NewClock();
        services.AddSingleton<TimeProvider>(clock);
        services.AddIncidentCore();
        services.AddIncidentStorage();
        configure?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await provider.GetRequiredService<IStorageLifecycle>().InitializeAsync(CancellationToken.None);

        return new CoreHarness(provider, clock);
    }

    public async Task<T> SendAsync<T>(IRequest<T> request)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>The work queue's runner, driven by the test (no background loops run in a harness).</summary>
    public WorkDispatcher Work => Services.GetRequiredService<WorkDispatcher>();

    /// <summary>Runs due work until none is left, including what that work queued for now.</summary>
    public async Task RunAllDueAsync()
    {
        while (await Work.DrainAsync(CancellationToken.None) > 0)
        {
        }
    }

    public IWorkQueueStore Queue => Services.GetRequiredService<IWorkQueueStore>();

    public IIncidentStore Incidents => Services.GetRequiredService<IIncidentStore>();

    public static Actor Alice { get; } = Actor.Console("alice");

    public static Actor Bob { get; } = Actor.Console("bob");

    public static Actor Carol { get; } = Actor.Console("carol");

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
