using System.Collections.Concurrent;
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

internal sealed class ConversationReferencesHandler(IConversationStore conversations, RecentConversations recent, TimeProvider clock)
    : IRequestHandler<RememberConversation, Unit>, IRequestHandler<FindConversations, IReadOnlyList<ConversationReference>>,
        IRequestHandler<FindPersonalConversation, ConversationReference?>
{
    /// <summary>
    /// How stale a reference's last-seen time may grow before an activity that changes nothing else refreshes it. Every
    /// Teams activity reports its conversation, and writing it each time cost each message a second write to disk before
    /// its acknowledgement; the time only orders references newest first, where ten minutes is fine enough.
    /// </summary>
    internal static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(10);

    public async Task<Unit> Handle(RememberConversation request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (recent.Written(request) is { } written && Holds(written.Request, request) && now - written.At < LastSeenPrecision)
        {
            return Unit.Value;
        }

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
            UpdatedAt = now,
        }, cancellationToken);
        recent.Add(request, now);
        return Unit.Value;
    }

    /// <summary>Whether writing the request would change nothing but the time: the stores keep a value the request leaves out.</summary>
    private static bool Holds(RememberConversation written, RememberConversation request) =>
        written.ServiceUrl == request.ServiceUrl
        && Same(written.TenantId, request.TenantId)
        && Same(written.ConversationType, request.ConversationType)
        && Same(written.TeamId, request.TeamId)
        && Same(written.TeamAadGroupId, request.TeamAadGroupId)
        && Same(written.ChannelId, request.ChannelId)
        && Same(written.PersonKey, request.PersonKey);

    private static bool Same(string? written, string? reported) => reported is null || written == reported;

    public Task<IReadOnlyList<ConversationReference>> Handle(FindConversations request, CancellationToken cancellationToken) =>
        conversations.FindAsync(request.Platform, request.ConversationId, request.ChannelId, request.TenantId, cancellationToken);

    public Task<ConversationReference?> Handle(FindPersonalConversation request, CancellationToken cancellationToken) =>
        conversations.FindPersonalAsync(request.Platform, request.PersonKey, cancellationToken);
}

/// <summary>
/// The references this process wrote lately, with what it wrote (null values already merged), so an activity that
/// reports the same conversation again writes nothing. Another replica's write is not seen here: at worst an activity
/// is not written until the entry is <see cref="ConversationReferencesHandler.LastSeenPrecision"/> old.
/// </summary>
internal sealed class RecentConversations
{
    /// <summary>A bound on memory: far above the conversations a bot takes part in within ten minutes.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Platform, string ConversationId), (RememberConversation Request, DateTime At)> _written = new();

    public (RememberConversation Request, DateTime At)? Written(RememberConversation request) =>
        _written.TryGetValue((request.Platform, request.ConversationId), out var written) ? written : null;

    public void Add(RememberConversation request, DateTime at)
    {
        if (_written.Count >= MaxEntries)
        {
            _written.Clear();
        }

        var key = (request.Platform, request.ConversationId);
        _written.AddOrUpdate(key, (request, at), (_, before) => (Merged(before.Request, request), at));
    }

    /// <summary>What the store holds after writing <paramref name="request"/> over <paramref name="before"/>.</summary>
    private static RememberConversation Merged(RememberConversation before, RememberConversation request) => request with
    {
        TenantId = request.TenantId ?? before.TenantId,
        ConversationType = request.ConversationType ?? before.ConversationType,
        TeamId = request.TeamId ?? before.TeamId,
        TeamAadGroupId = request.TeamAadGroupId ?? before.TeamAadGroupId,
        ChannelId = request.ChannelId ?? before.ChannelId,
        PersonKey = request.PersonKey ?? before.PersonKey,
    };
}
