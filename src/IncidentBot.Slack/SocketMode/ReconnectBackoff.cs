using System.Security.Cryptography;

namespace IncidentBot.Slack.SocketMode;

/// <summary>Jittered exponential backoff: base × 2^attempt, capped, then scaled into [½, 1] of that.</summary>
public static class ReconnectBackoff
{
    /// <param name="attempt">0 for the first retry after a failure.</param>
    /// <param name="baseDelay">Delay of attempt 0 before jitter.</param>
    /// <param name="maxDelay">Cap before jitter.</param>
    /// <param name="jitter">A number in [0, 1]; 0 gives half the capped delay, 1 the whole of it.</param>
    public static TimeSpan Compute(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        if (baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (maxDelay < baseDelay)
        {
            maxDelay = baseDelay;
        }

        var exponent = Math.Clamp(attempt, 0, 30);
        var ticks = Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks);
        var factor = 0.5 + (0.5 * Math.Clamp(jitter, 0, 1));
        return TimeSpan.FromTicks((long)(ticks * factor));
    }

    /// <summary>As <see cref="Compute(int, TimeSpan, TimeSpan, double)"/> with a random jitter.</summary>
    public static TimeSpan Compute(int attempt, TimeSpan baseDelay, TimeSpan maxDelay) =>
        Compute(attempt, baseDelay, maxDelay, RandomNumberGenerator.GetInt32(0, 10_001) / 10_000.0);
}
