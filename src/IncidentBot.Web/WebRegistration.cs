using IncidentBot.Core.Features;
using IncidentBot.Web.Api;
using IncidentBot.Web.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
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
        services.AddIncidentSignIn();
        return services;
    }

    public static IEndpointRouteBuilder MapIncidentWeb(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapExports();
        endpoints.MapGet("/signin/{provider}", (string provider, string? returnUrl, IOptions<WebOptions> web) =>
            web.Value.SignIn.IsConfigured(provider) ? SignInSetup.Challenge(provider, returnUrl) : Results.NotFound());
        endpoints.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });
        return endpoints;
    }
}
