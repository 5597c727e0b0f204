using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IncidentBot;

/// <summary>
/// The one place that knows the storage adapters: opens the one named by <c>Storage:Provider</c> and exposes its
/// ports. Only this assembly references the adapters' assemblies.
/// </summary>
public static class StorageSetup
{
    public static IServiceCollection AddIncidentStorage(this IServiceCollection services)
    {
        // Chosen when first resolved, from the validated options, so configuration added late (tests, hosting) counts.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clock = sp.GetRequiredService<TimeProvider>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            return options.ParsedProvider == StorageProvider.Postgres
                ? PostgresStorage.Open(options, clock, loggers)
                : LiteDbStorage.Open(options, clock, loggers);
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Incidents);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Timeline);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().People);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Conversations);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Reviews);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Queue);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Changes);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().Lifecycle);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageAdapter>().ChangeFeed);

        // Registered before the workers so the schema is ready before anything claims work.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StorageInitializer>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy, ["ready"])
            .AddCheck<WorkQueueHealthCheck>("work-queue", HealthStatus.Degraded, ["ready"]);
        return services;
    }
}

/// <summary>Opens and upgrades the store before the rest of the host starts.</summary>
internal sealed class StorageInitializer(IStorageLifecycle storage, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.InitializeAsync(cancellationToken);
        logger.LogInformation("Storage: {Store}", storage.Describe());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class StorageHealthCheck(IStorageLifecycle storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("store reachable");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("store not reachable", ex);
        }
    }
}

/// <summary>
/// Degraded — still ready, so one poison delivery does not take every replica out of rotation — while parked items
/// wait for an admin or the oldest due item has waited longer than <c>Telemetry:MaxQueueAge</c>.
/// </summary>
internal sealed class WorkQueueHealthCheck(IWorkQueueStore queue, TimeProvider clock, IOptions<TelemetryOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maxQueueAge = options.Value.MaxQueueAge;
        var now = clock.GetUtcNow().UtcDateTime;
        var health = await queue.HealthAsync(now, cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["parked"] = health.Parked,
            ["dueNow"] = health.DueNow,
            ["oldestDueSeconds"] = health.OldestDueAt is { } oldest ? (now - oldest).TotalSeconds : 0,
        };
        if (health.Parked > 0)
        {
            return HealthCheckResult.Degraded($"{health.Parked} work item(s) parked after their retries; see /admin/work", data: data);
        }

        return health.OldestDueAt is { } due && now - due > maxQueueAge
            ? HealthCheckResult.Degraded($"the oldest due work item has waited {(now - due).TotalSeconds:F0} s", data: data)
            : HealthCheckResult.Healthy("work queue flowing", data);
    }
}
