namespace IncidentBot.Slack.Api;

/// <summary>
/// Keeps <c>chat.postMessage</c> to about one message per second per channel, as Slack asks. Each post reserves
/// the next free slot of its channel, so posts keep their order and never bunch up.
/// </summary>
public sealed class SlackPostPacer(TimeProvider clock)
{
    private readonly Dictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a post to <paramref name="channel"/> made at <paramref name="now"/> must wait.</summary>
    public TimeSpan Reserve(string channel, DateTimeOffset now)
    {
        lock (_gate)
        {
            var slot = _nextSlot.TryGetValue(channel, out var next) && next > now ? next : now;
            _nextSlot[channel] = slot + Interval;
            return slot - now;
        }
    }

    public async Task WaitAsync(string channel, CancellationToken cancellationToken)
    {
        var wait = Reserve(channel, clock.GetUtcNow());
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }
}
