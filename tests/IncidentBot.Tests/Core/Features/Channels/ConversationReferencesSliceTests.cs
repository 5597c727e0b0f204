using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Features.Channels;

/// <summary>Conversation references as every authenticated activity reports them, through the real mediator and store.</summary>
public class ConversationReferencesSliceTests
{
    private const string Conversation = "19:conv-a@thread.tacv2";

    private static RememberConversation Seen(string serviceUrl, string? tenantId = "T1") =>
        new("teams", Conversation, serviceUrl, tenantId, "channel", "19:team-a", "group-a", "19:chan-a");

    private static async Task<ConversationReference> StoredAsync(CoreHarness core) =>
        Assert.Single(await core.SendAsync(new FindConversations("teams", Conversation)));

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SeenAgainUnchanged_IsNotWrittenUntilItsLastSeenTimeIsStale_ButAChangeIsWrittenAtOnce(string provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider);
        await using var core = await CoreHarness.StartAsync(db);
        var learned = core.Clock.GetUtcNow().UtcDateTime;
        await core.SendAsync(Seen("https://smba.example/emea/"));

        // The same conversation again soon, one activity without the tenant among them: nothing to write.
        core.Clock.Advance(ConversationReferencesHandler.LastSeenPrecision - TimeSpan.FromSeconds(1));
        await core.SendAsync(Seen("https://smba.example/emea/"));
        await core.SendAsync(Seen("https://smba.example/emea/", tenantId: null));
        AssertUtc(learned, (await StoredAsync(core)).UpdatedAt, "last seen, unchanged and soon after");

        // Teams moved the conversation to another service URL: written at once, whenever.
        core.Clock.Advance(TimeSpan.FromSeconds(2));
        var moved = core.Clock.GetUtcNow().UtcDateTime;
        await core.SendAsync(Seen("https://smba.example/emea2/"));
        var stored = await StoredAsync(core);
        Assert.Equal("https://smba.example/emea2/", stored.ServiceUrl);
        AssertUtc(moved, stored.UpdatedAt, "last seen, moved");

        // Unchanged, but its last-seen time as old as the precision: refreshed.
        core.Clock.Advance(ConversationReferencesHandler.LastSeenPrecision);
        await core.SendAsync(Seen("https://smba.example/emea2/"));
        AssertUtc(core.Clock.GetUtcNow().UtcDateTime, (await StoredAsync(core)).UpdatedAt, "last seen, refreshed");
        Assert.Equal("T1", (await StoredAsync(core)).TenantId);
    }
}
