using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Http;

/// <summary>
/// Settings under <c>Outbound</c>: how the bot's outbound HTTP clients (Slack Web API, Slack response URLs, Bot
/// Connector, Graph, token endpoints) time out, retry and stop calling a service that is down. Every client gets its
/// own policies built from these values, so one failing service never stops calls to another.
/// </summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>How long one try may take before it is given up (and, where safe, tried again). Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries after the first, for calls safe to repeat (see <see cref="OutboundRequests"/>). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Wait before the first retry, doubled for each later one (with jitter). Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A 429 whose <c>Retry-After</c> is at most this is waited out in the call; a longer one is handed back to the
    /// caller, which puts the work back in the queue for when the service allows it. Default 5 s.
    /// </summary>
    public TimeSpan MaxInlineRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed tries in a row (errors, 5xx, 408, timeouts; never 429) that open a client's circuit. Default 5.</summary>
    public int FailuresBeforeBreaking { get; set; } = 5;

    /// <summary>
    /// How long an open circuit fails calls at once, before letting one through to see whether the service is back.
    /// Queued work that meets an open circuit waits this long without using up its attempts. Default 15 s.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

internal sealed class OutboundOptionsValidator : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        var errors = new List<string>();
        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add("Outbound:AttemptTimeout must be positive and at most 00:00:30 (for example 00:00:10).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add("Outbound:MaxRetries must be between 0 and 10.");
        }

        if (options.BaseDelay < TimeSpan.Zero || options.BaseDelay > TimeSpan.FromSeconds(10))
        {
            errors.Add("Outbound:BaseDelay must be between 00:00:00 and 00:00:10.");
        }

        if (options.MaxInlineRetryAfter < TimeSpan.Zero || options.MaxInlineRetryAfter > TimeSpan.FromSeconds(30))
        {
            errors.Add("Outbound:MaxInlineRetryAfter must be between 00:00:00 and 00:00:30: longer waits belong in the work queue, not in a held call.");
        }

        if (options.FailuresBeforeBreaking < 1)
        {
            errors.Add("Outbound:FailuresBeforeBreaking must be at least 1.");
        }

        if (options.BreakDuration <= TimeSpan.Zero || options.BreakDuration > TimeSpan.FromMinutes(5))
        {
            errors.Add("Outbound:BreakDuration must be positive and at most 00:05:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
