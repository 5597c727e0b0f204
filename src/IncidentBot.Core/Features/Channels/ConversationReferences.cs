using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Features.Channels;

/// <summary>Stores (or refreshes) a conversation reference from an authenticated activity.</summary>
public sealed record RememberConversation(string Platform, string ConversationId, string ServiceUrl, string? TenantId, string? ConversationType,
    string? TeamId, string? TeamAadGroupId, string? ChannelId) : IRequest<Unit>;

/// <summary>References for a platform, optionally one conversation or one channel's; newest first.</summary>
public sealed record FindConversations(string Platform, string? ConversationId = null, string? ChannelId = null, string? TenantId = null)
    : IRequest<IReadOnlyList<ConversationReference>>;

internal sealed class ConversationReferencesHandler(IncidentDbContext db, TimeProvider clock)
    : IRequestHandler<RememberConversation, Unit>, IRequestHandler<FindConversations, IReadOnlyList<ConversationReference>>
{
    public async Task<Unit> Handle(RememberConversation request, CancellationToken cancellationToken)
    {
        // One statement (same syntax on SQLite and PostgreSQL): activities of a new conversation often arrive together.
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO conversation_references ("Platform", "ConversationId", "ServiceUrl", "TenantId", "ConversationType", "TeamId", "TeamAadGroupId", "ChannelId", "UpdatedAt")
            VALUES ({request.Platform}, {request.ConversationId}, {request.ServiceUrl}, {request.TenantId}, {request.ConversationType}, {request.TeamId}, {request.TeamAadGroupId}, {request.ChannelId}, {now})
            ON CONFLICT ("Platform", "ConversationId") DO UPDATE SET
                "ServiceUrl" = excluded."ServiceUrl",
                "TenantId" = COALESCE(excluded."TenantId", conversation_references."TenantId"),
                "ConversationType" = COALESCE(excluded."ConversationType", conversation_references."ConversationType"),
                "TeamId" = COALESCE(excluded."TeamId", conversation_references."TeamId"),
                "TeamAadGroupId" = COALESCE(excluded."TeamAadGroupId", conversation_references."TeamAadGroupId"),
                "ChannelId" = COALESCE(excluded."ChannelId", conversation_references."ChannelId"),
                "UpdatedAt" = excluded."UpdatedAt"
            """, cancellationToken);
        return Unit.Value;
    }

    public async Task<IReadOnlyList<ConversationReference>> Handle(FindConversations request, CancellationToken cancellationToken)
    {
        var query = db.ConversationReferences.AsNoTracking().Where(c => c.Platform == request.Platform);
        if (request.ConversationId is { } conversation)
        {
            query = query.Where(c => c.ConversationId == conversation);
        }

        if (request.ChannelId is { } channel)
        {
            query = query.Where(c => c.ChannelId == channel || c.ConversationId == channel);
        }

        if (request.TenantId is { } tenant)
        {
            query = query.Where(c => c.TenantId == tenant);
        }

        return await query.OrderByDescending(c => c.UpdatedAt).Take(50).ToListAsync(cancellationToken);
    }
}
