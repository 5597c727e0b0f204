using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using MediatR;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features;

/// <summary>
/// The unit of work of one request: load incidents as the actor may see them, let the domain change them, then
/// commit every change at once — the incidents whose document changed (version-checked), their new timeline
/// entries, the people met, the intents enqueued and the completion of the queue item being run — and tell
/// in-process listeners.
/// </summary>
public sealed class IncidentWorkspace(
    IIncidentStore incidents,
    ITimelineStore timeline,
    IPeopleStore people,
    IChangeStore changes,
    OutboxWriter outbox,
    IMediator mediator,
    TimeProvider clock,
    IOptions<FacilitatorOptions> facilitators,
    IOptions<IncidentsOptions> options,
    IncidentPermissions permissions,
    WorkContext work,
    WorkSignal signal)
{
    private static readonly JsonSerializerOptions DocumentJson = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers = { IgnoreStoredApart },
        },
    };

    private readonly Dictionary<long, Tracked> _tracked = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private StoreChange _change = new();

    public IIncidentStore Store => incidents;

    public ITimelineStore Timeline => timeline;

    public IPeopleStore People => people;

    public IncidentsOptions Incidents => options.Value;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The change being built; committed by <see cref="SaveAsync"/>.</summary>
    public StoreChange Change => _change;

    public bool IsFacilitator(Actor actor) => facilitators.Value.IsFacilitator(actor.PersonKey);

    /// <summary>The privacy rule for one incident (lists apply it in the store's query).</summary>
    public bool CanSee(Incident incident, Actor actor) => !incident.IsPrivate || IsFacilitator(actor) || incident.IsMember(actor.PersonKey);

    /// <summary>
    /// The permission rule (<c>Incidents:Permissions</c>) for one action on an incident as loaded for this change:
    /// throws <see cref="PermissionDeniedException"/>, saying who may, before anything is changed.
    /// </summary>
    public void Demand(IncidentAction action, Incident? incident, Actor actor, string? role = null) => permissions.Demand(action, incident, actor, role);

    /// <summary>A list query as the actor may see it.</summary>
    public IncidentQuery QueryFor(Actor actor, bool? open = null, string? search = null, string? severity = null, int skip = 0, int take = 50) =>
        new(actor.PersonKey, IsFacilitator(actor), open, search, severity, skip, take);

    public async Task<Incident> LoadAsync(int number, Actor actor, bool withTimeline, CancellationToken cancellationToken, bool bypassVisibility = false)
    {
        var incident = await incidents.FindAsync(number, cancellationToken);
        if (incident is null || (!bypassVisibility && !CanSee(incident, actor)))
        {
            throw new IncidentNotFoundException(number);
        }

        return await TrackAsync(incident, withTimeline, cancellationToken);
    }

    public async Task<Incident> LoadByIdAsync(long id, bool withTimeline, CancellationToken cancellationToken)
    {
        var incident = await incidents.FindByIdAsync(id, cancellationToken)
            ?? throw new IncidentRuleException($"Incident id {id} does not exist.");
        return await TrackAsync(incident, withTimeline, cancellationToken);
    }

    /// <summary>A new incident: it gets its id now and its number when the change commits.</summary>
    public async Task<long> NewIncidentIdAsync(CancellationToken cancellationToken) => await incidents.NewIncidentIdAsync(cancellationToken);

    public void Declare(Incident incident)
    {
        _change.Declared = incident;
        _tracked[incident.Id] = new Tracked(incident, Fingerprint: null);
    }

    public void Enqueue(IOutboxIntent intent) => outbox.Enqueue(_change, intent);

    public void Remember(string key, string? displayName, string? tenantId)
    {
        var person = Features.People.Seen(key, displayName, tenantId, Now);
        _change.People.Add(person);

        // Someone first seen in this request (a declarer) is named as they gave their name, before it is saved.
        _names[key] = person.DisplayName;
    }

    /// <summary>
    /// Commits everything this request changed at once; throws <see cref="IncidentConflictException"/> when an
    /// incident changed meanwhile (the request is then run again on fresh data).
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var change = _change;
        foreach (var (incident, fingerprint) in _tracked.Values)
        {
            var written = fingerprint is not null && fingerprint != FingerprintOf(incident);
            if (written)
            {
                change.Incidents.Add(new IncidentWrite(incident, incident.Version));
            }

            var added = incident.Timeline.Where(e => e.Id == 0 && !change.NewEntries.Contains(e)).ToList();
            change.NewEntries.AddRange(added);
            if ((written || added.Count > 0) && Reviews.ReviewDocRegeneration.IsWanted(incident, change))
            {
                Enqueue(new ScheduleIncidentReviewDoc(incident.Id));
            }

            if (written || added.Count > 0)
            {
                Nudges.NudgeSchedule.Follow(incident, added, Incidents, change, Now);
            }
        }

        work.AddTo(change);
        try
        {
            await changes.CommitAsync(change, cancellationToken);
        }
        catch (StoreConflictException conflict) when (conflict.Kind == StoreConflictKind.IncidentVersion)
        {
            throw new IncidentConflictException(change.Incidents.FirstOrDefault()?.Incident.Reference ?? "the incident");
        }

        work.Committed(change);
        foreach (var tracked in _tracked.Values.ToList())
        {
            _tracked[tracked.Incident.Id] = tracked with { Fingerprint = FingerprintOf(tracked.Incident) };
        }

        _change = new StoreChange();
        foreach (var (topic, key) in change.Enqueued.Where(i => i.DueAt <= Now).Select(i => (i.Topic, i.Key)).Distinct())
        {
            signal.Raise(topic, key);
        }
    }

    /// <summary>Remembers the actor, saves, tells in-process listeners, and summarises the incident.</summary>
    public async Task<IncidentSummary> CommitAsync(Incident incident, string what, Actor actor, CancellationToken cancellationToken)
    {
        Remember(actor.PersonKey, actor.DisplayName, actor.TenantId);
        await SaveAsync(cancellationToken);
        await PublishAsync(incident, what, actor, cancellationToken);
        return await SummarizeAsync(incident, cancellationToken);
    }

    public Task PublishAsync(Incident incident, string what, Actor actor, CancellationToken cancellationToken) =>
        mediator.Publish(new IncidentChanged(incident.Id, incident.Number, what, actor.PersonKey), cancellationToken);

    /// <summary>Forgets everything loaded and pending: the request is about to run again.</summary>
    public void Reset()
    {
        _tracked.Clear();
        _change = new StoreChange();
    }

    /// <summary>Queues the change's announcement with the facts it states, taken now rather than when it is sent.</summary>
    public async Task AnnounceAsync(Incident incident, AnnouncementKind kind, string? text, CancellationToken cancellationToken)
    {
        var now = await SummarizeAsync(incident, cancellationToken);
        Enqueue(new AnnounceIncident(incident.Id, kind, text, new AnnouncedState(now.Severity, now.Status, now.Lead)));
    }

    public async Task<IncidentSummary> SummarizeAsync(Incident incident, CancellationToken cancellationToken)
    {
        // A request summarises its incident more than once (the announcement's state, the reply): names are read once.
        if (incident.CurrentHolder(Incidents.LeadRole)?.PersonKey is { } lead && !_names.ContainsKey(lead))
        {
            foreach (var (key, name) in await Features.People.NamesAsync(people, [lead], cancellationToken))
            {
                _names[key] = name;
            }
        }

        return Summary(incident, _names);
    }

    public IncidentSummary Summary(Incident incident, IReadOnlyDictionary<string, string> names)
    {
        var lead = incident.CurrentHolder(Incidents.LeadRole);
        return new IncidentSummary(incident.Id, incident.Number, incident.Title, incident.Severity, incident.Status, incident.IsPrivate,
            incident.Service, incident.DeclaredAt, lead is null ? null : Features.People.View(lead.PersonKey, names), Incidents.LeadRole);
    }

    private async Task<Incident> TrackAsync(Incident incident, bool withTimeline, CancellationToken cancellationToken)
    {
        if (_tracked.TryGetValue(incident.Id, out var known))
        {
            incident = known.Incident;
        }
        else
        {
            _tracked[incident.Id] = new Tracked(incident, FingerprintOf(incident));
        }

        if (withTimeline && !incident.Timeline.Any(e => e.Id != 0))
        {
            var pending = incident.Timeline.ToList();
            incident.Timeline = [.. await timeline.ListAsync(incident.Id, cancellationToken), .. pending];
        }

        return incident;
    }

    private static string FingerprintOf(Incident incident) => JsonSerializer.Serialize(incident, DocumentJson);

    /// <summary>The document leaves out what is stored beside it (timeline, channels) and what is computed.</summary>
    private static void IgnoreStoredApart(JsonTypeInfo info)
    {
        if (info.Type != typeof(Incident))
        {
            return;
        }

        foreach (var property in info.Properties.Where(p => p.Name is nameof(Incident.Timeline) or nameof(Incident.Channels)).ToList())
        {
            info.Properties.Remove(property);
        }
    }

    private sealed record Tracked(Incident Incident, string? Fingerprint);
}
