using IncidentBot.Core.Domain;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

/// <summary>
/// The part of <c>Reviews</c> the core needs from the start: facilitators see every incident,
/// private ones included.
/// </summary>
public sealed class FacilitatorOptions
{
    public const string Section = "Reviews";

    /// <summary>People as <c>platform:id</c> (<c>slack:U…</c>, <c>teams:&lt;aadObjectId&gt;</c>, <c>console:&lt;name&gt;</c>).</summary>
    public List<string> Facilitators { get; set; } = [];

    public bool IsFacilitator(string personKey) =>
        personKey == Actor.Api.PersonKey || Facilitators.Any(f => string.Equals(f, personKey, StringComparison.OrdinalIgnoreCase));
}

internal sealed class FacilitatorOptionsValidator : IValidateOptions<FacilitatorOptions>
{
    public ValidateOptionsResult Validate(string? name, FacilitatorOptions options)
    {
        var bad = options.Facilitators.Select((f, i) => (f, i)).Where(x => !PersonKey.IsValid(x.f) || PersonKey.PlatformOf(x.f) == "system").ToList();
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(bad.Select(x =>
                $"Reviews:Facilitators:{x.i} '{x.f}' is not a person: write platform:id (slack:U024BE7LH, teams:<aadObjectId>, console:<name>)."));
    }
}

/// <summary>Settings under <c>Outbox</c>: how side effects (chat posts, card updates) are retried.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often the worker looks for due intents when nothing wakes it. Default 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failures (not rate limits) before an intent is given up and marked failed. Default 10 (≈ 1.5 hours of backoff).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// How long a claim on a work item lasts; renewed every third of it while the work runs, so a replica that dies
    /// frees its work within one lease. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deliveries (each platform's inbox) and timed work applied at once per topic. Default 8: they work the CPU and the
    /// store, and more at once only made them slower and the acknowledgements with them (measured on LiteDB).
    /// </summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>
    /// Chat calls (posts, card updates, channel changes) in flight per platform. Default 16: they wait on Slack or
    /// Teams, and 8 held a burst of declares to 8 calls in flight per process.
    /// </summary>
    public int ChatParallelism { get; set; } = 16;
}

internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add("Outbox:PollInterval must be positive (for example 00:00:02).");
        }

        if (options.MaxAttempts < 1)
        {
            errors.Add("Outbox:MaxAttempts must be at least 1.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(3))
        {
            errors.Add("Outbox:LeaseDuration must be at least 00:00:03.");
        }

        if (options.Parallelism is < 1 or > 256)
        {
            errors.Add("Outbox:Parallelism must be between 1 and 256.");
        }

        if (options.ChatParallelism is < 1 or > 256)
        {
            errors.Add("Outbox:ChatParallelism must be between 1 and 256.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
