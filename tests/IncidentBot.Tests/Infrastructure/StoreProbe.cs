using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>What a test looks at in a running bot's store, through the same ports the bot uses.</summary>
public static class StoreProbe
{
    /// <summary>Work items whose topic starts with <paramref name="topicPrefix"/> (<c>inbox.</c>, <c>outbox.</c>), in a state or in any.</summary>
    public static async Task<List<WorkItem>> ItemsAsync(IServiceProvider services, string topicPrefix, WorkStatus? status = null)
    {
        var queue = services.GetRequiredService<IWorkQueueStore>();
        var all = new List<WorkItem>();
        foreach (var s in status is { } one ? [one] : Enum.GetValues<WorkStatus>())
        {
            all.AddRange((await queue.ListAsync(null, s, 100_000, CancellationToken.None)).Where(i => i.Topic.StartsWith(topicPrefix, StringComparison.Ordinal)));
        }

        // One list per status, read one after another: an item that moved on between two reads appears twice; the
        // later read is the newer state.
        return all.GroupBy(i => i.Id).Select(g => g.Last()).OrderBy(i => i.Id).ToList();
    }

    public static async Task<int> IncidentCountAsync(IServiceProvider services) =>
        (await services.GetRequiredService<IIncidentStore>().ListAsync(new IncidentQuery("probe", SeesEverything: true, Take: 1), CancellationToken.None)).Total;

    public static Task<IReadOnlyList<ConversationReference>> ConversationsAsync(IServiceProvider services, string platform) =>
        services.GetRequiredService<IConversationStore>().FindAsync(platform, null, null, null, CancellationToken.None);
}
