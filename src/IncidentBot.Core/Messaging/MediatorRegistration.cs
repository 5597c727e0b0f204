using System.Reflection;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBot.Core.Messaging;

/// <summary>MediatR 5.x has no DI package here, so registration is this short scan of our own assemblies.</summary>
public static class MediatorRegistration
{
    private static readonly Type[] HandlerInterfaces =
    [
        typeof(IRequestHandler<,>),
        typeof(INotificationHandler<>),
    ];

    public static IServiceCollection AddMediatorCore(this IServiceCollection services)
    {
        services.TryAddScoped<ServiceFactory>(sp => sp.GetService!);
        services.TryAddScoped<IMediator, SafePublishMediator>();
        // Outermost first: the span covers everything; a refused input is never retried.
        services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IPipelineBehavior<,>), typeof(TracingBehavior<,>)));
        services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IPipelineBehavior<,>), typeof(InputLimitsBehavior<,>)));
        services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IPipelineBehavior<,>), typeof(RetryOnConflictBehavior<,>)));
        return services;
    }

    /// <summary>Registers every request and notification handler in <paramref name="assembly"/>.</summary>
    public static IServiceCollection AddMediatorHandlersFrom(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }))
        {
            foreach (var iface in type.GetInterfaces().Where(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())))
            {
                services.TryAddEnumerable(ServiceDescriptor.Transient(iface, type));
            }
        }

        return services;
    }
}
