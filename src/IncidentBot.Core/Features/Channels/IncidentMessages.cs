using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Channels;

/// <summary>The message of a kind (status card, announcement …) the bot keeps for an incident on a platform, if any.</summary>
public sealed record GetIncidentMessage(long IncidentId, string Platform, string Kind) : IRequest<IncidentMessage?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.Name, Kind)];
}

/// <summary>Remembers (or moves) that message, so the next update edits it instead of posting again.</summary>
public sealed record SaveIncidentMessage(long IncidentId, string Platform, string Kind, string ConversationId, string MessageId) : IRequest<Unit>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.Name, Platform), new(InputField.Name, Kind), new(InputField.PlatformId, ConversationId), new(InputField.PlatformId, MessageId)];
}

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
