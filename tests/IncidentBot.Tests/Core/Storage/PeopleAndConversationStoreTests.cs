using IncidentBot.Core.Domain;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>The people and conversation ports, the same assertions on each adapter.</summary>
public class PeopleAndConversationStoreTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Names_LeavesUnknownKeysOut_AndShowsTheLastName(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await s.Store.People.RememberAsync(new Person { Key = "slack:U1", DisplayName = "Alice", TenantId = "T1", UpdatedAt = s.Now }, None);
        await CommitAsync(s.Store, c => c.People.Add(new Person { Key = "teams:aad-2", DisplayName = "Bob", UpdatedAt = s.Now }));
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Store.People.RememberAsync(new Person { Key = "slack:U1", DisplayName = "Alice Liddell", UpdatedAt = s.Now }, None);

        var names = await s.Store.People.NamesAsync(["slack:U1", "teams:aad-2", "slack:U404"], None);

        Assert.Equal(2, names.Count);
        Assert.Equal("Alice Liddell", names["slack:U1"]);
        Assert.Equal("Bob", names["teams:aad-2"]);
        Assert.False(names.ContainsKey("slack:U404"));
        Assert.Empty(await s.Store.People.NamesAsync([], None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Remember_WithoutTenant_KeepsTheStoredTenant(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await s.Store.People.RememberAsync(new Person { Key = "slack:U0TENANT", DisplayName = "Tenanted", TenantId = "T0KEEP", UpdatedAt = s.Now }, None);
        await s.Store.People.RememberAsync(new Person { Key = "slack:U0TENANT", DisplayName = "Renamed", TenantId = null, UpdatedAt = s.Now }, None);
        await CommitAsync(s.Store, c => c.People.Add(new Person { Key = "slack:U0TENANT", DisplayName = "Renamed again", UpdatedAt = s.Now }));
        Assert.Equal("Renamed again", (await s.Store.People.NamesAsync(["slack:U0TENANT"], None))["slack:U0TENANT"]);

        // The port has no reader of a person's tenant: look at what the adapter stored.
        s.CloseStore();
        var records = await RawStoreReader.RecordsHoldingAsync(s.Database, "slack:U0TENANT");

        var person = Assert.Single(records, r => r.ContainsValue("Renamed again"));
        Assert.Contains(person, leaf => leaf.Key.Contains("tenant", StringComparison.OrdinalIgnoreCase) && leaf.Value == "T0KEEP");
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RememberConversation_NullFieldsKeepTheStoredValues(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var learned = s.Now;
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "19:conv-a", ServiceUrl = "https://smba.example/emea/", TenantId = "T1",
            ConversationType = "channel", TeamId = "19:team-a", TeamAadGroupId = "group-a", ChannelId = "19:chan-a", UpdatedAt = learned,
        }, None);
        s.Clock.Advance(TimeSpan.FromMinutes(10));
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "19:conv-a", ServiceUrl = "https://smba.example/emea2/", UpdatedAt = s.Now,
        }, None);

        var found = Assert.Single(await s.Store.Conversations.FindAsync("teams", "19:conv-a", null, null, None));

        Assert.Equal("https://smba.example/emea2/", found.ServiceUrl);
        Assert.Equal(("T1", "channel", "19:team-a", "group-a", "19:chan-a"),
            (found.TenantId, found.ConversationType, found.TeamId, found.TeamAadGroupId, found.ChannelId));
        AssertUtc(s.Now, found.UpdatedAt, nameof(ConversationReference.UpdatedAt));
        Assert.True(await s.Store.Conversations.KnowsServiceUrlAsync("teams", "https://smba.example/emea2/", None));
        Assert.False(await s.Store.Conversations.KnowsServiceUrlAsync("teams", "https://smba.example/emea/", None)); // refreshed away
        Assert.False(await s.Store.Conversations.KnowsServiceUrlAsync("teams", "https://evil.example/", None));
        Assert.False(await s.Store.Conversations.KnowsServiceUrlAsync("slack", "https://smba.example/emea2/", None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FindPersonal_FindsThePersonsOwnChat_NewestFirst_AndARefreshWithoutAPersonKeepsIt(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "a:old", ServiceUrl = "https://smba.example/emea/", TenantId = "T1", ConversationType = "personal",
            PersonKey = "teams:dana", UpdatedAt = s.Now,
        }, None);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "a:new", ServiceUrl = "https://smba.example/emea/", TenantId = "T1", ConversationType = "personal",
            PersonKey = "teams:dana", UpdatedAt = s.Now,
        }, None);
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "19:thread", ServiceUrl = "https://smba.example/emea/", TenantId = "T1", ConversationType = "channel", UpdatedAt = s.Now,
        }, None);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "teams", ConversationId = "a:new", ServiceUrl = "https://smba.example/emea2/", UpdatedAt = s.Now,
        }, None);

        var dana = await s.Store.Conversations.FindPersonalAsync("teams", "teams:dana", None);

        Assert.Equal(("a:new", "teams:dana", "https://smba.example/emea2/", "T1"), (dana?.ConversationId, dana?.PersonKey, dana?.ServiceUrl, dana?.TenantId));
        Assert.Null(await s.Store.Conversations.FindPersonalAsync("teams", "teams:lee", None));
        Assert.Null(await s.Store.Conversations.FindPersonalAsync("slack", "teams:dana", None));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FindConversations_FiltersByConversationChannelAndTenant_NewestFirst(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        async Task Remember(string conversation, string? tenant, string? channel)
        {
            await s.Store.Conversations.RememberAsync(new ConversationReference
            {
                Platform = "teams", ConversationId = conversation, ServiceUrl = "https://smba.example/", TenantId = tenant, ChannelId = channel,
                ConversationType = channel is null ? "personal" : "channel", UpdatedAt = s.Now,
            }, None);
            s.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Remember("19:a", "T1", "19:chan-1");
        await Remember("19:b", "T1", null);
        await Remember("19:c", "T2", "19:chan-1");
        await Remember("19:d", "T1", "19:chan-2");
        await s.Store.Conversations.RememberAsync(new ConversationReference
        {
            Platform = "other", ConversationId = "19:e", ServiceUrl = "https://smba.example/", TenantId = "T1", UpdatedAt = s.Now,
        }, None);

        async Task<string[]> Find(string? conversation, string? channel, string? tenant) =>
            (await s.Store.Conversations.FindAsync("teams", conversation, channel, tenant, None)).Select(r => r.ConversationId).ToArray();

        Assert.Equal(new[] { "19:d", "19:c", "19:b", "19:a" }, await Find(null, null, null));
        Assert.Equal(new[] { "19:b" }, await Find("19:b", null, null));
        Assert.Equal(new[] { "19:c", "19:a" }, await Find(null, "19:chan-1", null));
        Assert.Equal(new[] { "19:d", "19:b", "19:a" }, await Find(null, null, "T1"));
        Assert.Equal(new[] { "19:a" }, await Find(null, "19:chan-1", "T1"));
        Assert.Empty(await Find("19:zzz", null, null));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SaveMessage_InsertsThenMovesTheOneMessageOfItsKind(string provider)
    {
        await using var s = await StoreSession.OpenAsync(provider);
        var incident = await DeclareAsync(s.Store, s.Now);
        var other = await DeclareAsync(s.Store, s.Now, "Other");
        await s.Store.Conversations.SaveMessageAsync(new IncidentMessage
        {
            IncidentId = incident.Id, Platform = "slack", Kind = "card", ConversationId = "C0ANNOUNCE", MessageId = "1712.0001", UpdatedAt = s.Now,
        }, None);
        await s.Store.Conversations.SaveMessageAsync(new IncidentMessage
        {
            IncidentId = incident.Id, Platform = "slack", Kind = "announcement", ConversationId = "C0ANNOUNCE", MessageId = "1712.0002", UpdatedAt = s.Now,
        }, None);
        s.Clock.Advance(TimeSpan.FromMinutes(2));

        await s.Store.Conversations.SaveMessageAsync(new IncidentMessage
        {
            IncidentId = incident.Id, Platform = "slack", Kind = "card", ConversationId = "C0INC1", MessageId = "1712.0099", UpdatedAt = s.Now,
        }, None);

        var card = await s.Store.Conversations.FindMessageAsync(incident.Id, "slack", "card", None);
        Assert.NotNull(card);
        Assert.Equal((incident.Id, "slack", "card", "C0INC1", "1712.0099"), (card.IncidentId, card.Platform, card.Kind, card.ConversationId, card.MessageId));
        AssertUtc(s.Now, card.UpdatedAt, nameof(IncidentMessage.UpdatedAt));
        Assert.Equal("1712.0002", (await s.Store.Conversations.FindMessageAsync(incident.Id, "slack", "announcement", None))?.MessageId);
        Assert.Null(await s.Store.Conversations.FindMessageAsync(incident.Id, "teams", "card", None));
        Assert.Null(await s.Store.Conversations.FindMessageAsync(other.Id, "slack", "card", None));
    }
}
