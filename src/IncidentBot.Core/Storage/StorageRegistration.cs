using IncidentBot.Core.Options;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers <see cref="IncidentDbContext"/> on the provider named by <c>Storage:Provider</c>, the start-up
    /// migration and the <c>ready</c> health check.
    /// </summary>
    public static IServiceCollection AddIncidentStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        // Both flavours are registered; which one serves IncidentDbContext is read from the validated options
        // when first resolved, so configuration added late (tests, hosting) is honoured.
        services.AddDbContext<SqliteIncidentDbContext>((sp, o) =>
            Configure(o.UseSqlite(SqliteConnectionString(sp.GetRequiredService<IOptions<StorageOptions>>().Value.EffectiveConnectionString))
                .AddInterceptors(SqlitePragmasInstance)));
        services.AddDbContext<PostgresIncidentDbContext>((sp, o) =>
            Configure(o.UseNpgsql(sp.GetRequiredService<IOptions<StorageOptions>>().Value.EffectiveConnectionString)));
        services.AddScoped<IncidentDbContext>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ParsedProvider == StorageProvider.Postgres
                ? sp.GetRequiredService<PostgresIncidentDbContext>()
                : sp.GetRequiredService<SqliteIncidentDbContext>());

        services.AddHostedService<DatabaseMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, ["ready"]);
        return services;
    }

    private static readonly SqlitePragmas SqlitePragmasInstance = new();

    private static void Configure(DbContextOptionsBuilder options) =>
        // Migrations are hand-written SQL (see docs/decisions/0003), so there is no model snapshot to compare with;
        // the schema test compares the migrated database with the model instead.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>Creates the folder of a file database and sets a busy timeout so concurrent writers queue instead of failing.</summary>
    internal static string SqliteConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }
}

internal sealed class DatabaseHealthCheck(IncidentDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("database reachable")
                : HealthCheckResult.Unhealthy("database not reachable");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("database not reachable", ex);
        }
    }
}
