using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Declare an incident: the one request behind a slash command, a modal, a Teams dialog and the console.</summary>
public sealed record DeclareIncident(
    Actor Actor,
    string Title,
    string? Severity = null,
    string? Description = null,
    string? Service = null,
    bool IsPrivate = false) : IRequest<IncidentSummary>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Title, Title), new(InputField.Name, Severity), new(InputField.Summary, Description), new(InputField.Service, Service)];
}

internal sealed class DeclareIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<DeclareIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(DeclareIncident request, CancellationToken cancellationToken)
    {
        workspace.Demand(IncidentAction.Declare, null, request.Actor);
        var options = workspace.Incidents;
        var severity = request.Severity is { Length: > 0 }
            ? options.CanonicalSeverity(request.Severity)
              ?? throw new IncidentRuleException($"Unknown severity '{request.Severity}'. Choose one of: {string.Join(", ", options.SeverityNames)}.")
            : options.EffectiveDefaultSeverity;

        var now = workspace.Now;
        var id = await workspace.NewIncidentIdAsync(cancellationToken);
        var incident = Incident.Declare(0, request.Title, severity, request.Actor, now, request.Description, request.Service, request.IsPrivate, id);

        // The store numbers the incident inside the commit: concurrent declares never share a number, and a declare
        // that fails leaves no gap.
        workspace.Declare(incident);
        workspace.Enqueue(new EnsureIncidentChannel(incident.Id));
        workspace.Enqueue(new InviteToIncident(incident.Id, [request.Actor.PersonKey]));
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Remember(request.Actor.PersonKey, request.Actor.DisplayName, request.Actor.TenantId);
        await workspace.AnnounceAsync(incident, AnnouncementKind.Declared, null, cancellationToken);
        await workspace.SaveAsync(cancellationToken);

        await workspace.PublishAsync(incident, $"declared ({severity})", request.Actor, cancellationToken);
        return await workspace.SummarizeAsync(incident, cancellationToken);
    }
}
