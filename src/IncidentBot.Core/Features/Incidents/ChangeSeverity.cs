using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

public sealed record ChangeSeverity(Actor Actor, int Number, string Severity) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Name, Severity)];
}

internal sealed class ChangeSeverityHandler(IncidentWorkspace workspace) : IRequestHandler<ChangeSeverity, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(ChangeSeverity request, CancellationToken cancellationToken)
    {
        var severity = workspace.Incidents.CanonicalSeverity(request.Severity)
            ?? throw new IncidentRuleException($"Unknown severity '{request.Severity}'. Choose one of: {string.Join(", ", workspace.Incidents.SeverityNames)}.");
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(IncidentAction.Severity, incident, request.Actor);
        var before = incident.Severity;
        incident.ChangeSeverity(severity, request.Actor, workspace.Now);
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        await workspace.AnnounceAsync(incident, AnnouncementKind.SeverityChanged, null, cancellationToken);
        return await workspace.CommitAsync(incident, $"severity {before} → {severity}", request.Actor, cancellationToken);
    }
}
