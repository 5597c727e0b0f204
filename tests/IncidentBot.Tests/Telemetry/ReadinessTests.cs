using System.Net;
using System.Text.Json;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Telemetry;

public sealed class ReadinessTests
{
    [Fact]
    public async Task Readiness_IsDegraded_WhenTheOldestDueItemIsOlderThanMaxQueueAge_AndStillAnswers200()
    {
        using var bot = new BotFactory(new Dictionary<string, string?> { ["Telemetry:MaxQueueAge"] = "00:00:30" });
        using var client = bot.CreateClient();
        var now = bot.Clock.GetUtcNow().UtcDateTime;
        // A topic no runner serves: the item stays due, as behind a stuck runner.
        await bot.Services.GetRequiredService<IWorkQueueStore>().AcceptAsync(
            new WorkItem { Topic = "inbox.nobody", Kind = "command", Payload = "{}", CreatedAt = now, DueAt = now }, CancellationToken.None);

        bot.Clock.Advance(TimeSpan.FromSeconds(20));
        var young = await ReadyAsync(client);
        bot.Clock.Advance(TimeSpan.FromSeconds(20));
        var old = await ReadyAsync(client);

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (young.Status, young.Overall));
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (old.Status, old.Overall));
        Assert.Equal("the oldest due work item has waited 40 s", old.Queue);
    }

    private static async Task<(HttpStatusCode Status, string Overall, string Queue)> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var queue = body.RootElement.GetProperty("checks").GetProperty("work-queue");
        return (response.StatusCode, body.RootElement.GetProperty("status").GetString()!, queue.GetProperty("description").GetString()!);
    }
}
