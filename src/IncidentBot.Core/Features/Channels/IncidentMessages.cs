using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;

namespace IncidentBot.Core.Features.Channels;

/// <summary>The message of a kind (status card, announcement …) the bot keeps for an incident on a platform, if any.</summary>
public sealed record GetIncidentMessage(long IncidentId, string Platform, string Kind) : IRequest<IncidentMessage?>;

/// <summary>Remembers (or moves) that message, so the next update edits it instead of posting again.</summary>
public sealed record SaveIncidentMessage(long IncidentId, string Platform, string Kind, string ConversationId, string MessageId) : IRequest<Unit>;

internal sealed class IncidentMessagesHandler(IConversationStore conversations, TimeProvider clock)
    : IRequestHandler<GetIncidentMessage, IncidentMessage?>, IRequestHandler<SaveIncidentMessage, Unit>
{
    public Task<IncidentMessage?> Handle(GetIncidentMessage request, CancellationToken cancellationToken) =>
        conversations.FindMessageAsync(request.IncidentId, request.Platform, request.Kind, cancellationToken);

    public async Task<Unit> Handle(SaveIncidentMessage request, CancellationToken cancellationToken)
    {
        await conversations.SaveMessageAsync(new IncidentMessage
        {
            IncidentId = request.IncidentId,
            Platform = request.Platform,
            Kind = request.Kind,
            ConversationId = request.ConversationId,
            MessageId = request.MessageId,
            UpdatedAt = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return Unit.Value;
    }
}
