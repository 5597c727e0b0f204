using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Roles;

/// <summary>Give a role to a person; whoever held it hands it over (recorded in the timeline).</summary>
public sealed record AssignRole(Actor Actor, int Number, string Role, string PersonKey, string? PersonName = null) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Name, Role), new(InputField.PersonKey, PersonKey), new(InputField.DisplayName, PersonName)];
}

internal sealed class AssignRoleHandler(IncidentWorkspace workspace) : IRequestHandler<AssignRole, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(AssignRole request, CancellationToken cancellationToken)
    {
        var role = workspace.Incidents.CanonicalRole(request.Role)
            ?? throw new IncidentRuleException($"Unknown role '{request.Role}'. Roles: {string.Join(", ", workspace.Incidents.RoleNames)}.");
        if (!PersonKey.IsValid(request.PersonKey))
        {
            throw new IncidentRuleException($"'{request.PersonKey}' is not a person.");
        }

        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(incident.CurrentHolder(role) is null ? IncidentAction.TakeRole : IncidentAction.ReassignRole, incident, request.Actor, role);
        incident.AssignRole(role, request.PersonKey, request.Actor, workspace.Now);
        if (request.PersonKey == request.Actor.PersonKey || request.PersonName is not null)
        {
            var name = request.PersonKey == request.Actor.PersonKey ? request.Actor.DisplayName : request.PersonName;
            workspace.Remember(request.PersonKey, name, request.Actor.TenantId);
        }

        workspace.Enqueue(new InviteToIncident(incident.Id, [request.PersonKey]));
        workspace.Enqueue(new BriefRole(incident.Id, request.PersonKey, role,
            Nudges.NudgeTexts.Briefing(incident, role, workspace.Incidents.BriefingFor(role))));
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        return await workspace.CommitAsync(incident, $"{role} → {request.PersonKey}", request.Actor, cancellationToken);
    }
}
