using IncidentBot.Core.Storage;
using IncidentBot.Core.Domain;
using MediatR;

namespace IncidentBot.Core.Features.Channels;

/// <summary>Which incident, if any, lives in a platform's channel: how a command typed there implies its incident.</summary>
public sealed record FindIncidentByChannel(string Platform, string ChannelId) : IRequest<int?>;

internal sealed class FindIncidentByChannelHandler(IIncidentStore incidents) : IRequestHandler<FindIncidentByChannel, int?>
{
    public Task<int?> Handle(FindIncidentByChannel request, CancellationToken cancellationToken) =>
        incidents.NumberByChannelAsync(request.Platform, request.ChannelId, cancellationToken);
}

/// <summary>The incident's channel on a platform, if it has one: a single-row read for executors posting there.</summary>
public sealed record FindIncidentChannelId(long IncidentId, string Platform) : IRequest<string?>;

internal sealed class FindIncidentChannelIdHandler(IIncidentStore incidents) : IRequestHandler<FindIncidentChannelId, string?>
{
    public async Task<string?> Handle(FindIncidentChannelId request, CancellationToken cancellationToken) =>
        (await incidents.FindByIdAsync(request.IncidentId, cancellationToken))?.Channels.FirstOrDefault(c => c.Platform == request.Platform)?.ChannelId;
}

/// <summary>An adapter made (or adopted) the incident's channel on its platform; remember it. Idempotent.</summary>
public sealed record LinkIncidentChannel(long IncidentId, string Platform, string ChannelId, string? Name, string? TenantId) : IRequest<bool>;

internal sealed class LinkIncidentChannelHandler(IIncidentStore incidents, TimeProvider clock) : IRequestHandler<LinkIncidentChannel, bool>
{
    /// <summary>True when linked now; false when it was linked to this incident already.</summary>
    public async Task<bool> Handle(LinkIncidentChannel request, CancellationToken cancellationToken)
    {
        var owner = await incidents.NumberByChannelAsync(request.Platform, request.ChannelId, cancellationToken);
        var incident = await incidents.FindByIdAsync(request.IncidentId, cancellationToken)
            ?? throw new IncidentRuleException($"Incident id {request.IncidentId} does not exist.");
        if (owner == incident.Number)
        {
            return false;
        }

        var linked = owner is null && await incidents.LinkChannelAsync(new IncidentChannel
        {
            IncidentId = request.IncidentId,
            Platform = request.Platform,
            ChannelId = request.ChannelId,
            Name = request.Name,
            TenantId = request.TenantId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return linked ? true : throw new IncidentRuleException("That channel already belongs to another incident.");
    }
}
