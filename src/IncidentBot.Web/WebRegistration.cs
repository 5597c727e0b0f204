using System.Net;
using IncidentBot.Core.Features;
using IncidentBot.Web.Access;
using IncidentBot.Web.Api;
using IncidentBot.Web.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web;

public static class WebRegistration
{
    /// <summary>ASP.NET Core's hosted service that reads the data-protection key ring at start-up.</summary>
    internal const string KeyRingWarmUp = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Web options, public URLs and the built-in console.</summary>
    public static IServiceCollection AddIncidentWeb(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section)
            .PostConfigure<IHostEnvironment>((o, environment) => o.Console.Open ??= environment.IsDevelopment())
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebOptions>, WebOptionsValidator>());
        services.TryAddSingleton<PublicUrls>();
        services.AddSingleton<IIncidentLinks>(sp => sp.GetRequiredService<PublicUrls>());
        services.TryAddSingleton<ConsoleAccess>();
        // Explicitly: the pages live in this library, and the entry assembly is not always the host (tests).
        services.AddRazorPages().AddApplicationPart(typeof(WebRegistration).Assembly)
            .AddMvcOptions(o =>
            {
                // jQuery's "a[b]" field names are not used here, and its reader throws (a 500) on a name like "a[".
                o.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
                o.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
            });
        services.AddIncidentAuthentication();

        // The key ring (sign-in cookies, form tokens) loads when a browser first needs it: read at start-up, it brought
        // the XML stack and the keys into every bot's memory (idle RSS 130-133 -> 121-123 MB without), although a bot
        // used only from Slack or Teams never needs them. The warm-up only logs a failure, so nothing fails later instead.
        foreach (var warmUp in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == KeyRingWarmUp).ToList())
        {
            services.Remove(warmUp);
        }

        return services;
    }

    /// <summary>
    /// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from the proxies in <c>Web:KnownProxies</c> only.
    /// Without any the middleware is left out: given no known proxies or networks it would believe every caller, and
    /// its defaults believe every loopback caller, which behind a proxy on the same machine is everyone.
    /// </summary>
    public static IApplicationBuilder UseIncidentForwardedHeaders(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<IOptions<WebOptions>>().Value.KnownProxies;
        if (proxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        return app.UseForwardedHeaders(options);
    }

    public static IEndpointRouteBuilder MapIncidentWeb(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapExports();
        endpoints.MapGet("/signin/{provider}", (string provider, string? returnUrl, IOptions<WebOptions> web) =>
            web.Value.SignIn.IsConfigured(provider) ? SignInSetup.Challenge(provider, returnUrl) : Results.NotFound());
        endpoints.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(WebAuthentication.CookieScheme);
            return Results.Redirect("/signin");
        });
        return endpoints;
    }
}
