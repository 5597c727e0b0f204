using System.Collections.Concurrent;

namespace IncidentBot.Slack.Api;

/// <summary>
/// Display names read with <c>users.info</c>, kept for an hour: a captured message mentioning one person five times,
/// or a busy channel, costs one lookup per person rather than one per mention (Slack limits users.info per minute).
/// </summary>
public sealed class SlackUserNames(TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (string Name, DateTimeOffset Until)> _names = new(StringComparer.Ordinal);

    public bool TryGet(string userId, out string name)
    {
        if (_names.TryGetValue(userId, out var known) && known.Until > clock.GetUtcNow())
        {
            name = known.Name;
            return true;
        }

        name = string.Empty;
        return false;
    }

    public void Remember(string userId, string name) => _names[userId] = (name, clock.GetUtcNow() + KeepFor);
}
