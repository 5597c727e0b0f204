using IncidentBot.Core;
using IncidentBot.Slack;
using IncidentBot.Slack.Inbound;
using IncidentBot.Teams;
using IncidentBot.Teams.Inbound;
using IncidentBot.Web;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBot;

/// <summary>The composition root: one <c>Add…</c> per module, so this file reads as the table of contents.</summary>
public static class IncidentBotHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(IncidentBotHost).Assembly.GetName().Name,
            // The bundled settings files sit beside the app; a service started from another directory (the systemd
            // unit's /var/lib/incidentbot) must still read them. Data paths stay relative to the working directory.
            ContentRootPath = ContentRootIsSet(args) ? null : AppContext.BaseDirectory,
        });

        var check = ConfigurationCheck.Inspect(builder.Configuration);
        if (check.Errors.Count > 0)
        {
            throw new ConfigurationErrorsException([.. check.Errors, .. check.Warnings]);
        }

        builder.Services.AddSingleton(check);
        builder.Services.AddIncidentCore();
        builder.Services.AddIncidentStorage();
        builder.Services.AddIncidentWeb();
        builder.Services.AddSlack();
        builder.Services.AddTeams();
        builder.Services.AddHealthChecks();
        builder.AddIncidentTelemetry();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        configure?.Invoke(builder);

        var app = builder.Build();
        ValidateSettings(app, check);
        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() =>
            StartupChecks.Run(app.Services, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IncidentBot.Startup")));
        return app;
    }

    /// <summary>
    /// Runs the options validators now rather than in <c>StartAsync</c>, where the host would log each failure with a stack
    /// trace before rethrowing it: every failing setting is reported once, with the warnings that may explain it.
    /// </summary>
    private static void ValidateSettings(WebApplication app, ConfigurationCheck.Result check)
    {
        try
        {
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (ConfigurationErrorsException.LinesOf(e) is { Count: > 0 } lines)
        {
            throw new ConfigurationErrorsException([.. lines, .. check.Warnings], e);
        }
    }

    private static bool ContentRootIsSet(string[] args) =>
        new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables("DOTNET_").AddCommandLine(args).Build()[HostDefaults.ContentRootKey] is { Length: > 0 };

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>The platforms' delivery endpoints, which authenticate each request themselves.</summary>
    internal static bool IsDelivery(PathString path) => path.StartsWithSegments("/slack") || path.StartsWithSegments("/api/messages");

    internal static void MapEndpoints(WebApplication app)
    {
        app.UseDeliveryTiming();
        app.UseIncidentForwardedHeaders();
        // Deliveries prove themselves (Slack's signature, the Bot Framework's token) in their endpoints: asking every
        // sign-in scheme about them first was work on every delivery, for a principal nothing reads.
        app.UseWhen(http => !IsDelivery(http.Request.Path), pages =>
        {
            pages.UseAuthentication();
            pages.UseAuthorization();
        });
        // Set inside the branch only, which would make the host add both again, in front, for every request.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        // Liveness: the process answers. Readiness: its database is reachable (else 503) and its queue flows (else
        // Degraded, still 200: one poison delivery must not take every replica out of rotation).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = TelemetrySetup.WriteHealthAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapTelemetry();
        app.MapSlack();
        app.MapTeams();
        app.MapIncidentWeb();
    }
}
