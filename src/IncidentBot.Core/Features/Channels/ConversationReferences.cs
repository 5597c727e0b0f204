using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Channels;

/// <summary>
/// Stores (or refreshes) a conversation reference from an authenticated activity, or one the bot opened itself;
/// <paramref name="PersonKey"/> names the person of a personal (1:1) conversation.
/// </summary>
public sealed record RememberConversation(string Platform, string ConversationId, string ServiceUrl, string? TenantId, string? ConversationType,
    string? TeamId, string? TeamAadGroupId, string? ChannelId, string? PersonKey = null) : IRequest<Unit>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ConversationId), new(InputField.Link, ServiceUrl), new(InputField.PlatformId, TenantId), new(InputField.Name, ConversationType), new(InputField.PlatformId, TeamId), new(InputField.PlatformId, TeamAadGroupId), new(InputField.PlatformId, ChannelId), new(InputField.PersonKey, PersonKey)];
}

/// <summary>The person's personal (1:1) conversation with the bot on a platform, if the bot knows it; the newest if several.</summary>
public sealed record FindPersonalConversation(string Platform, string PersonKey) : IRequest<ConversationReference?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PersonKey, PersonKey)];
}

/// <summary>References for a platform, optionally one conversation or one channel's; newest first.</summary>
public sealed record FindConversations(string Platform, string? ConversationId = null, string? ChannelId = null, string? TenantId = null)
    : IRequest<IReadOnlyList<ConversationReference>>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.PlatformId, ConversationId), new(InputField.PlatformId, ChannelId), new(InputField.PlatformId, TenantId)];
}

internal sealed class ConversationReferencesHandler(IConversationStore conversations, TimeProvider clock)
    : IRequestHandler<RememberConversation, Unit>, IRequestHandler<FindConversations, IReadOnlyList<ConversationReference>>,
        IRequestHandler<FindPersonalConversation, ConversationReference?>
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
            PersonKey = request.PersonKey,
            UpdatedAt = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return Unit.Value;
    }

    public Task<IReadOnlyList<ConversationReference>> Handle(FindConversations request, CancellationToken cancellationToken) =>
        conversations.FindAsync(request.Platform, request.ConversationId, request.ChannelId, request.TenantId, cancellationToken);

    public Task<ConversationReference?> Handle(FindPersonalConversation request, CancellationToken cancellationToken) =>
        conversations.FindPersonalAsync(request.Platform, request.PersonKey, cancellationToken);
}
