using IncidentBot.Core.Features;
using IncidentBot.Web.Api;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web;

public static class WebRegistration
{
    /// <summary>Web options, public URLs and the built-in console.</summary>
    public static IServiceCollection AddIncidentWeb(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebOptions>, WebOptionsValidator>());
        services.TryAddSingleton<PublicUrls>();
        services.AddSingleton<IIncidentLinks>(sp => sp.GetRequiredService<PublicUrls>());
        services.TryAddSingleton<ConsoleAccess>();
        // Explicitly: the pages live in this library, and the entry assembly is not always the host (tests).
        services.AddRazorPages().AddApplicationPart(typeof(WebRegistration).Assembly);
        return services;
    }

    public static IEndpointRouteBuilder MapIncidentWeb(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapExports();
        return endpoints;
    }
}
