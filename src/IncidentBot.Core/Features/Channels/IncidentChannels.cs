using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Features.Channels;

/// <summary>Which incident, if any, lives in a platform's channel: how a command typed there implies its incident.</summary>
public sealed record FindIncidentByChannel(string Platform, string ChannelId) : IRequest<int?>;

internal sealed class FindIncidentByChannelHandler(IncidentDbContext db) : IRequestHandler<FindIncidentByChannel, int?>
{
    public async Task<int?> Handle(FindIncidentByChannel request, CancellationToken cancellationToken) =>
        await db.IncidentChannels.AsNoTracking()
            .Where(c => c.Platform == request.Platform && c.ChannelId == request.ChannelId)
            .Join(db.Incidents, c => c.IncidentId, i => i.Id, (c, i) => (int?)i.Number)
            .FirstOrDefaultAsync(cancellationToken);
}

/// <summary>The incident's channel on a platform, if it has one: a single-row read for executors posting there.</summary>
public sealed record FindIncidentChannelId(long IncidentId, string Platform) : IRequest<string?>;

internal sealed class FindIncidentChannelIdHandler(IncidentDbContext db) : IRequestHandler<FindIncidentChannelId, string?>
{
    public Task<string?> Handle(FindIncidentChannelId request, CancellationToken cancellationToken) =>
        db.IncidentChannels.AsNoTracking()
            .Where(c => c.IncidentId == request.IncidentId && c.Platform == request.Platform)
            .Select(c => c.ChannelId)
            .FirstOrDefaultAsync(cancellationToken);
}

/// <summary>An adapter made (or adopted) the incident's channel on its platform; remember it. Idempotent.</summary>
public sealed record LinkIncidentChannel(long IncidentId, string Platform, string ChannelId, string? Name, string? TenantId) : IRequest<bool>;

internal sealed class LinkIncidentChannelHandler(IncidentDbContext db, TimeProvider clock) : IRequestHandler<LinkIncidentChannel, bool>
{
    public async Task<bool> Handle(LinkIncidentChannel request, CancellationToken cancellationToken)
    {
        var existing = await db.IncidentChannels.FirstOrDefaultAsync(c => c.Platform == request.Platform && c.ChannelId == request.ChannelId, cancellationToken);
        if (existing is not null)
        {
            return existing.IncidentId == request.IncidentId
                ? false
                : throw new IncidentRuleException($"That channel already belongs to another incident.");
        }

        db.IncidentChannels.Add(new IncidentChannel
        {
            IncidentId = request.IncidentId,
            Platform = request.Platform,
            ChannelId = request.ChannelId,
            Name = request.Name,
            TenantId = request.TenantId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
