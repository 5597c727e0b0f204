using IncidentBot.Core.Domain;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features;

/// <summary>
/// What every change to an existing incident does around its rule: load it as the actor may see it, remember
/// the people involved, commit the change with its intents in one transaction, then tell in-process listeners.
/// </summary>
public sealed class IncidentWorkspace(
    IncidentDbContext db,
    OutboxWriter outbox,
    IMediator mediator,
    TimeProvider clock,
    IOptions<FacilitatorOptions> facilitators,
    IOptions<IncidentsOptions> incidents,
    DeliveryContext delivery,
    OutboxSignal outboxSignal)
{
    public IncidentDbContext Db => db;

    public IncidentsOptions Incidents => incidents.Value;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public bool IsFacilitator(Actor actor) => facilitators.Value.IsFacilitator(actor.PersonKey);

    public IQueryable<Incident> Visible(Actor actor) => db.Incidents.VisibleTo(actor, facilitators.Value);

    public async Task<Incident> LoadAsync(int number, Actor actor, bool withTimeline, CancellationToken cancellationToken, bool bypassVisibility = false)
    {
        IQueryable<Incident> query = (bypassVisibility ? db.Incidents : Visible(actor)).Include(i => i.Members).Include(i => i.Roles);
        if (withTimeline)
        {
            query = query.Include(i => i.Timeline);
        }

        return await query.AsSplitQuery().SingleOrDefaultAsync(i => i.Number == number, cancellationToken)
            ?? throw new IncidentNotFoundException(number);
    }

    public void Enqueue(IOutboxIntent intent) => outbox.Enqueue(db, intent);

    /// <summary>For handlers that save on their own: mark the delivery being processed done with this change.</summary>
    public Task MarkDeliveryDoneAsync(CancellationToken cancellationToken) => delivery.MarkDoneWithAsync(db, cancellationToken);

    /// <summary>Saves the change and its intents atomically, then publishes <see cref="IncidentChanged"/>.</summary>
    public async Task<IncidentSummary> CommitAsync(Incident incident, string change, Actor actor, CancellationToken cancellationToken)
    {
        await People.RememberAsync(db, actor, Now, cancellationToken);
        await delivery.MarkDoneWithAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new IncidentConflictException(incident.Reference);
        }

        await PublishAsync(incident, change, actor, cancellationToken);
        return await SummarizeAsync(incident, cancellationToken);
    }

    /// <summary>After the commit: wake the outbox worker (its intents are visible now) and tell in-process listeners.</summary>
    public Task PublishAsync(Incident incident, string change, Actor actor, CancellationToken cancellationToken)
    {
        outboxSignal.Raise();
        return mediator.Publish(new IncidentChanged(incident.Id, incident.Number, change, actor.PersonKey), cancellationToken);
    }

    public async Task<IncidentSummary> SummarizeAsync(Incident incident, CancellationToken cancellationToken)
    {
        var lead = incident.CurrentHolder(Incidents.LeadRole);
        var names = await People.NamesAsync(db, [lead?.PersonKey], cancellationToken);
        return new IncidentSummary(incident.Id, incident.Number, incident.Title, incident.Severity, incident.Status, incident.IsPrivate,
            incident.Service, incident.DeclaredAt, lead is null ? null : People.View(lead.PersonKey, names), Incidents.LeadRole);
    }
}
