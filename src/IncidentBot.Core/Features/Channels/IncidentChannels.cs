using IncidentBot.Core.Storage;
using IncidentBot.Core.Domain;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Channels;

/// <summary>Which incident, if any, lives in a platform's channel: how a command typed there implies its incident.</summary>
public sealed record FindIncidentByChannel(string Platform, string ChannelId) : IRequest<int?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ChannelId)];
}

internal sealed class FindIncidentByChannelHandler(IIncidentStore incidents) : IRequestHandler<FindIncidentByChannel, int?>
{
    public Task<int?> Handle(FindIncidentByChannel request, CancellationToken cancellationToken) =>
        incidents.NumberByChannelAsync(request.Platform, request.ChannelId, cancellationToken);
}

/// <summary>The incident's channel on a platform, if it has one: a single-row read for executors posting there.</summary>
public sealed record FindIncidentChannelId(long IncidentId, string Platform) : IRequest<string?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform)];
}

internal sealed class FindIncidentChannelIdHandler(IIncidentStore incidents) : IRequestHandler<FindIncidentChannelId, string?>
{
    public Task<string?> Handle(FindIncidentChannelId request, CancellationToken cancellationToken) =>
        incidents.ChannelIdAsync(request.IncidentId, request.Platform, cancellationToken);
}

/// <summary>An adapter made (or adopted) the incident's channel on its platform; remember it. Idempotent.</summary>
public sealed record LinkIncidentChannel(long IncidentId, string Platform, string ChannelId, string? Name, string? TenantId) : IRequest<Unit>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ChannelId), new(InputField.Name, Name), new(InputField.PlatformId, TenantId)];
}

internal sealed class LinkIncidentChannelHandler(IIncidentStore incidents, TimeProvider clock) : IRequestHandler<LinkIncidentChannel, Unit>
{
    public async Task<Unit> Handle(LinkIncidentChannel request, CancellationToken cancellationToken)
    {
        var linked = await incidents.LinkChannelAsync(new IncidentChannel
        {
            IncidentId = request.IncidentId,
            Platform = request.Platform,
            ChannelId = request.ChannelId,
            Name = request.Name,
            TenantId = request.TenantId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return linked ? Unit.Value : throw new IncidentRuleException("That channel already belongs to another incident.");
    }
}
