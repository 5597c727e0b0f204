using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>Declare an incident: the one request behind a slash command, a modal, a Teams dialog and the console.</summary>
public sealed record DeclareIncident(
    Actor Actor,
    string Title,
    string? Severity = null,
    string? Description = null,
    string? Service = null,
    bool IsPrivate = false) : IRequest<IncidentSummary>;

internal sealed class DeclareIncidentHandler(IncidentWorkspace workspace) : IRequestHandler<DeclareIncident, IncidentSummary>
{
    public async Task<IncidentSummary> Handle(DeclareIncident request, CancellationToken cancellationToken)
    {
        var options = workspace.Incidents;
        var severity = request.Severity is { Length: > 0 }
            ? options.CanonicalSeverity(request.Severity)
              ?? throw new IncidentRuleException($"Unknown severity '{request.Severity}'. Choose one of: {string.Join(", ", options.SeverityNames)}.")
            : options.EffectiveDefaultSeverity;

        var db = workspace.Db;
        var now = workspace.Now;
        var incident = Incident.Declare(0, request.Title, severity, request.Actor, now, request.Description, request.Service, request.IsPrivate);

        // The number comes from a counter row bumped inside this transaction: concurrent declares queue on the
        // row (a lock on PostgreSQL, the single writer on SQLite), and a rollback returns the number, so the
        // sequence has neither duplicates nor gaps, whichever replica or platform declares.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Counters.Where(c => c.Name == IncidentDbContext.IncidentCounter)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, c => c.Value + 1), cancellationToken);
        var number = await db.Counters.Where(c => c.Name == IncidentDbContext.IncidentCounter).Select(c => c.Value).SingleAsync(cancellationToken);
        incident.Number = checked((int)number);
        incident.Timeline[0].Text = $"{incident.Reference} declared ({severity}): {incident.Title}";

        db.Incidents.Add(incident);
        await People.RememberAsync(db, request.Actor, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        workspace.Enqueue(new EnsureIncidentChannel(incident.Id));
        workspace.Enqueue(new InviteToIncident(incident.Id, [request.Actor.PersonKey]));
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Enqueue(new AnnounceIncident(incident.Id, AnnouncementKind.Declared, null));
        await workspace.MarkDeliveryDoneAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await workspace.PublishAsync(incident, $"declared ({severity})", request.Actor, cancellationToken);
        return await workspace.SummarizeAsync(incident, cancellationToken);
    }
}
