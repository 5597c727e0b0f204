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
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.ConversationReferences.FirstOrDefaultAsync(c => c.Platform == request.Platform && c.ConversationId == request.ConversationId, cancellationToken);
        if (existing is null)
        {
            db.ConversationReferences.Add(new ConversationReference
            {
                Platform = request.Platform,
                ConversationId = request.ConversationId,
                ServiceUrl = request.ServiceUrl,
                TenantId = request.TenantId,
                ConversationType = request.ConversationType,
                TeamId = request.TeamId,
                TeamAadGroupId = request.TeamAadGroupId,
                ChannelId = request.ChannelId,
                UpdatedAt = now,
            });
        }
        else
        {
            existing.ServiceUrl = request.ServiceUrl;
            existing.TenantId = request.TenantId ?? existing.TenantId;
            existing.ConversationType = request.ConversationType ?? existing.ConversationType;
            existing.TeamId = request.TeamId ?? existing.TeamId;
            existing.TeamAadGroupId = request.TeamAadGroupId ?? existing.TeamAadGroupId;
            existing.ChannelId = request.ChannelId ?? existing.ChannelId;
            existing.UpdatedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two activities of a new conversation at once: the other one stored it; that is all we wanted.
            db.ChangeTracker.Clear();
        }

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
