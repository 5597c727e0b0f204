using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.ActionItems;

/// <summary>A follow-up, optionally with an owner; it lands in the review doc.</summary>
public sealed record AddActionItem(Actor Actor, int Number, string Text, string? OwnerKey = null, string? OwnerName = null) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, Text), new(InputField.PersonKey, OwnerKey), new(InputField.DisplayName, OwnerName)];
}

internal sealed class AddActionItemHandler(IncidentWorkspace workspace) : IRequestHandler<AddActionItem, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(AddActionItem request, CancellationToken cancellationToken)
    {
        if (request.OwnerKey is not null && !PersonKey.IsValid(request.OwnerKey))
        {
            throw new IncidentRuleException($"'{request.OwnerKey}' is not a person.");
        }

        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.ActionItems, incident, request.Actor);
        incident.AddActionItem(request.Text, request.OwnerKey, request.Actor, workspace.Now);
        if (request.OwnerKey is not null && request.OwnerName is not null)
        {
            workspace.Remember(request.OwnerKey, request.OwnerName, request.Actor.TenantId);
        }

        return await workspace.CommitAsync(incident, "action item added", request.Actor, cancellationToken);
    }
}
