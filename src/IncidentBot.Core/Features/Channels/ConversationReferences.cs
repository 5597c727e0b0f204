using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Channels;

/// <summary>Stores (or refreshes) a conversation reference from an authenticated activity.</summary>
public sealed record RememberConversation(string Platform, string ConversationId, string ServiceUrl, string? TenantId, string? ConversationType,
    string? TeamId, string? TeamAadGroupId, string? ChannelId) : IRequest<Unit>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ConversationId), new(InputField.Link, ServiceUrl), new(InputField.PlatformId, TenantId), new(InputField.Name, ConversationType), new(InputField.PlatformId, TeamId), new(InputField.PlatformId, TeamAadGroupId), new(InputField.PlatformId, ChannelId)];
}

/// <summary>References for a platform, optionally one conversation or one channel's; newest first.</summary>
public sealed record FindConversations(string Platform, string? ConversationId = null, string? ChannelId = null, string? TenantId = null)
    : IRequest<IReadOnlyList<ConversationReference>>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ConversationId), new(InputField.PlatformId, ChannelId), new(InputField.PlatformId, TenantId)];
}

internal sealed class ConversationReferencesHandler(IConversationStore conversations, TimeProvider clock)
    : IRequestHandler<RememberConversation, Unit>, IRequestHandler<FindConversations, IReadOnlyList<ConversationReference>>
{
    public async Task<Unit> Handle(RememberConversation request, CancellationToken cancellationToken)
    {
        await conversations.RememberAsync(new ConversationReference
        {
            Platform = request.Platform,
            ConversationId = request.ConversationId,
            ServiceUrl = request.ServiceUrl,
            TenantId = request.TenantId,
            ConversationType = request.ConversationType,
            TeamId = request.TeamId,
            TeamAadGroupId = request.TeamAadGroupId,
            ChannelId = request.ChannelId,
            UpdatedAt = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return Unit.Value;
    }

    public Task<IReadOnlyList<ConversationReference>> Handle(FindConversations request, CancellationToken cancellationToken) =>
        conversations.FindAsync(request.Platform, request.ConversationId, request.ChannelId, request.TenantId, cancellationToken);
}
