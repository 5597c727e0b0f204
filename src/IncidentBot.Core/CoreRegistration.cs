using IncidentBot.Core.Inbox;
using IncidentBot.Core.Messaging;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Features;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core;

public static class CoreRegistration
{
    /// <summary>
    /// The incident core: options, mediator and handlers, the work queue's dispatcher. The storage ports
    /// (<see cref="StorageAdapter"/>) come from the host, which picks the adapter named by <c>Storage:Provider</c>.
    /// </summary>
    public static IServiceCollection AddIncidentCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<IncidentsOptions>().BindConfiguration(IncidentsOptions.Section).ValidateOnStart()
            .Configure<IConfiguration>(IncidentsOptionsDefaults.ReadPermissionLines);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<IncidentsOptions>, IncidentsOptionsDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IncidentsOptions>, IncidentsOptionsValidator>());
        services.AddOptions<FacilitatorOptions>().BindConfiguration(FacilitatorOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FacilitatorOptions>, FacilitatorOptionsValidator>());
        services.AddOptions<ReviewsOptions>().BindConfiguration(ReviewsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReviewsOptions>, ReviewsOptionsValidator>());
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());

        services.AddOptions<Http.OutboundOptions>().BindConfiguration(Http.OutboundOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Http.OutboundOptions>, Http.OutboundOptionsValidator>());
        services.TryAddSingleton<Http.OutboundPolicies>();
        services.TryAddSingleton<Http.OutboundMetrics>();

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        services.AddMediatorCore();
        services.AddMediatorHandlersFrom(typeof(CoreRegistration).Assembly);
        services.TryAddSingleton<Access.IncidentPermissions>();
        services.TryAddScoped<IncidentWorkspace>();
        services.TryAddSingleton<IIncidentLinks, NoIncidentLinks>();
        services.TryAddScoped<Features.Reviews.ReviewPlans>();
        services.AddOutboxExecutor<Features.Reviews.ReviewsExecutor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkRunner, Features.Nudges.NudgeRunner>());
        services.AddOutboxExecutor<Features.ActionItems.FollowUpsExecutor>();
        services.TryAddSingleton<Features.Reviews.ReviewFreezeWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Reviews.ReviewFreezeWorker>());

        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddSingleton(sp => new Telemetry.LabelCap(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.MaxServiceLabels));
        services.TryAddSingleton<Inbox.InboxMetrics>();
        services.TryAddSingleton<WorkMetrics>();
        services.TryAddSingleton<IncidentMetrics>();
        services.TryAddSingleton<Features.Reviews.ReviewMetrics>();
        services.TryAddSingleton<Telemetry.TelemetrySampler>();
        services.AddHostedService(sp => sp.GetRequiredService<Telemetry.TelemetrySampler>());

        services.TryAddSingleton<WorkSignal>();
        services.TryAddSingleton<Features.Channels.RecentConversations>();
        services.TryAddScoped<WorkContext>();
        services.TryAddScoped<OutboxWriter>();
        services.TryAddScoped<InboxWriter>();
        services.TryAddSingleton<InboxInline>();
        services.TryAddSingleton<WorkDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkDispatcher>());
        return services;
    }

    /// <summary>Adds the processor of one platform's stored deliveries (scoped: it sends MediatR requests).</summary>
    public static IServiceCollection AddInboxProcessor<TProcessor>(this IServiceCollection services, string source)
        where TProcessor : class, IInboxProcessor
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IInboxProcessor, TProcessor>());
        services.AddSingleton(new InboxSource(source));
        return services;
    }

    /// <summary>Adds a platform's executor of outbox intents (Slack, Teams, the console's channel view …).</summary>
    public static IServiceCollection AddOutboxExecutor<TExecutor>(this IServiceCollection services)
        where TExecutor : class, IOutboxExecutor
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxExecutor, TExecutor>());
        return services;
    }
}
