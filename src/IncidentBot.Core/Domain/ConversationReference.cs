namespace IncidentBot.Core.Domain;

/// <summary>
/// Where the bot can talk on a platform that needs an address to post (Teams: the service URL with the
/// conversation, team, channel and tenant), learned from authenticated inbound activities and kept, so the bot can
/// post on its own (announcements, cards of incidents declared elsewhere) after a restart.
/// </summary>
public sealed class ConversationReference
{
    public long Id { get; set; }
    public required string Platform { get; set; }
    public required string ConversationId { get; set; }
    public required string ServiceUrl { get; set; }
    public string? TenantId { get; set; }

    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; set; }

    /// <summary>Teams: the team's thread id (<c>19:…</c>) and its Graph id (<c>aadGroupId</c>).</summary>
    public string? TeamId { get; set; }

    public string? TeamAadGroupId { get; set; }

    /// <summary>Teams: the channel (<c>19:…</c>) a channel conversation belongs to.</summary>
    public string? ChannelId { get; set; }

    /// <summary>Teams: in a personal (1:1) conversation with the bot, the person it is with, so the bot can write to them later.</summary>
    public string? PersonKey { get; set; }

    public DateTime UpdatedAt { get; set; }
}
