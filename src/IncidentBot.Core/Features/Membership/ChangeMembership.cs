using IncidentBot.Core.Domain;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Membership;

/// <summary>
/// Someone joined or left the incident's channel, or was added or removed explicitly. Membership decides who
/// sees a private incident; leaving the channel does not undo being declarer or role holder.
/// <see cref="FromPlatform"/>: a verified platform event (someone joined the channel), which applies even though
/// the person cannot see a private incident yet; only adapters set it.
/// </summary>
public sealed record ChangeMembership(Actor Actor, int Number, string PersonKey, bool Join, MembershipSource Source = MembershipSource.Channel,
    string? PersonName = null, bool FromPlatform = false) : IRequest<bool>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.PersonKey, PersonKey), new(InputField.DisplayName, PersonName)];
}

internal sealed class ChangeMembershipHandler(IncidentWorkspace workspace) : IRequestHandler<ChangeMembership, bool>
{
    public async Task<bool> Handle(ChangeMembership request, CancellationToken cancellationToken)
    {
        if (!PersonKey.IsValid(request.PersonKey))
        {
            throw new IncidentRuleException($"'{request.PersonKey}' is not a person.");
        }

        if (request.Source is MembershipSource.Declarer or MembershipSource.RoleHolder)
        {
            throw new IncidentRuleException("Declarer and role-holder membership follow from the incident itself.");
        }

        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken, bypassVisibility: request.FromPlatform);
        var now = workspace.Now;
        var changed = request.Join
            ? incident.AddMember(request.PersonKey, request.Source, now)
            : incident.RemoveMember(request.PersonKey, request.Source, now);
        if (!changed)
        {
            return false;
        }

        if (request.PersonName is not null)
        {
            workspace.Remember(request.PersonKey, request.PersonName, request.Actor.TenantId);
        }

        incident.Record(request.Join ? TimelineKind.MemberJoined : TimelineKind.MemberLeft, request.Actor, now,
            request.Join ? "joined" : "left", after: request.PersonKey).Hidden = true;
        await workspace.CommitAsync(incident, request.Join ? $"{request.PersonKey} joined" : $"{request.PersonKey} left", request.Actor, cancellationToken);
        return true;
    }
}
