using IncidentBot.Core;
using IncidentBot.Core.Http;
using IncidentBot.Core.Messaging;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Inbound;
using IncidentBot.Slack.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack;

public static class SlackRegistration
{
    /// <summary>
    /// The Slack adapter. Always registered; it switches itself on when <c>Slack:BotToken</c> is set (HTTP endpoints
    /// with <c>Slack:SigningSecret</c>, Socket Mode with <c>Slack:AppToken</c>), so the bot starts without Slack.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());

        services.TryAddSingleton<SlackPostPacer>();
        services.TryAddSingleton<SlackUserNames>();
        services.AddHttpClient<SlackApiClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBase;
            http.Timeout = TimeSpan.FromSeconds(60);
        }).AddOutboundPolicies(SlackApiClient.Outbound);
        // A response_url is a bearer link (anyone holding it can post as the bot for 30 minutes): HttpClient's own
        // request lines, which carry the full URL, are never written for this client, whatever the log level.
        services.AddHttpClient<SlackResponseUrlClient>(http => http.Timeout = TimeSpan.FromSeconds(60))
            .RemoveAllLoggers()
            .AddOutboundPolicies(SlackResponseUrlClient.Outbound);

        services.TryAddScoped<SlackInbound>();
        services.TryAddScoped<SlackForms>();
        services.TryAddSingleton<SlackAfterAck>();
        services.AddInboxProcessor<SlackInboxProcessor>(SlackInbound.Source);
        services.TryAddSingleton<SlackOutboxExecutor>();
        services.AddOutboxExecutor<SlackEnabledExecutor>();
        services.AddMediatorHandlersFrom(typeof(SlackRegistration).Assembly);
        SlackSocketModeRegistration.Add(services);
        return services;
    }
}

/// <summary>The Slack executor, taking intents only while Slack is configured.</summary>
internal sealed class SlackEnabledExecutor(SlackOutboxExecutor inner, IOptions<SlackOptions> options) : Core.Outbox.IOutboxExecutor
{
    public string Name => inner.Name;

    public bool Handles(Type intentType) => options.Value.Enabled && inner.Handles(intentType);

    public TimeSpan DelayOf(Core.Outbox.IOutboxIntent intent) => inner.DelayOf(intent);

    public string? UniqueKeyOf(Core.Outbox.IOutboxIntent intent) => inner.UniqueKeyOf(intent);

    public Task<string?> ExecuteAsync(Core.Outbox.IOutboxIntent intent, long intentId, CancellationToken cancellationToken) =>
        inner.ExecuteAsync(intent, intentId, cancellationToken);
}
