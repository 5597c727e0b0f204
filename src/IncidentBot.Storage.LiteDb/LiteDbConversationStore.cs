using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbConversationStore(LiteDbDatabase database, LiteDbWriter writer) : IConversationStore
{
    private const int MaxReferences = 50;

    public Task RememberAsync(ConversationReference reference, CancellationToken cancellationToken) =>
        writer.RunAsync(scope =>
        {
            var stored = database.Conversations.Find(x => x.ConversationId == reference.ConversationId)
                .FirstOrDefault(c => c.Platform == reference.Platform);
            var updatedAt = reference.UpdatedAt == default ? scope.Now : reference.UpdatedAt;
            if (stored is null)
            {
                reference.Id = 0;
                reference.UpdatedAt = updatedAt;
                database.Conversations.Insert(reference);
                return true;
            }

            stored.ServiceUrl = reference.ServiceUrl ?? stored.ServiceUrl;
            stored.TenantId = reference.TenantId ?? stored.TenantId;
            stored.ConversationType = reference.ConversationType ?? stored.ConversationType;
            stored.TeamId = reference.TeamId ?? stored.TeamId;
            stored.TeamAadGroupId = reference.TeamAadGroupId ?? stored.TeamAadGroupId;
            stored.ChannelId = reference.ChannelId ?? stored.ChannelId;
            stored.PersonKey = reference.PersonKey ?? stored.PersonKey;
            stored.UpdatedAt = updatedAt;
            database.Conversations.Update(stored);
            scope.AfterCommit(() => reference.Id = stored.Id);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<ConversationReference>> FindAsync(string platform, string? conversationId, string? channelId, string? tenantId,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var query = database.Conversations.Query().Where("$.Platform = @0", platform);
        if (conversationId is not null)
        {
            query = query.Where("$.ConversationId = @0", conversationId);
        }

        if (channelId is not null)
        {
            query = query.Where("($.ChannelId = @0 OR $.ConversationId = @0)", channelId);
        }

        if (tenantId is not null)
        {
            query = query.Where("$.TenantId = @0", tenantId);
        }

        IReadOnlyList<ConversationReference> found = query.OrderByDescending("$.UpdatedAt").Limit(MaxReferences).ToList();
        return Task.FromResult(found);
    }

    public Task<ConversationReference?> FindPersonalAsync(string platform, string personKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = database.Conversations.Query()
            .Where("$.PersonKey = @0", personKey)
            .Where("$.Platform = @0", platform)
            .OrderByDescending("$.UpdatedAt")
            .FirstOrDefault();
        return Task.FromResult<ConversationReference?>(found);
    }

    /// <summary>Exact, or equal but for a trailing slash (the same service written two ways).</summary>
    public Task<bool> KnowsServiceUrlAsync(string platform, string serviceUrl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var bare = serviceUrl.TrimEnd('/');
        var known = database.Conversations.Query()
            .Where("($.ServiceUrl = @0 OR $.ServiceUrl = @1 OR $.ServiceUrl = @2)", serviceUrl, bare, bare + "/")
            .Where("$.Platform = @0", platform)
            .Exists();
        return Task.FromResult(known);
    }

    public Task<IncidentMessage?> FindMessageAsync(long incidentId, string platform, string kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(FindMessage(incidentId, platform, kind));
    }

    public Task SaveMessageAsync(IncidentMessage message, CancellationToken cancellationToken) =>
        writer.RunAsync(scope =>
        {
            var updatedAt = message.UpdatedAt == default ? scope.Now : message.UpdatedAt;
            if (FindMessage(message.IncidentId, message.Platform, message.Kind) is { } stored)
            {
                stored.ConversationId = message.ConversationId;
                stored.MessageId = message.MessageId;
                stored.UpdatedAt = updatedAt;
                database.Messages.Update(stored);
                scope.AfterCommit(() => message.Id = stored.Id);
                return true;
            }

            message.Id = 0;
            message.UpdatedAt = updatedAt;
            database.Messages.Insert(message);
            return true;
        }, cancellationToken);

    private IncidentMessage? FindMessage(long incidentId, string platform, string kind) =>
        database.Messages.Find(x => x.IncidentId == incidentId).FirstOrDefault(m => m.Platform == platform && m.Kind == kind);
}
