using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Outbox;
using MediatR;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>
/// Declare an incident: the one request behind a slash command, a modal, a Teams dialog and the console. With
/// <paramref name="UseChannelId"/> the existing channel of the actor's platform it was declared in becomes the
/// incident's channel instead of a new one, and its messages of the last <paramref name="BackfillMinutes"/> start the timeline.
/// </summary>
public sealed record DeclareIncident(
    Actor Actor,
    string Title,
    string? Severity = null,
    string? Description = null,
    string? Service = null,
    bool IsPrivate = false,
    string? UseChannelId = null,
    int BackfillMinutes = 0) : IRequest<IncidentSummary>, IInputRequest
{
    /// <summary>The furthest back a converted channel's messages are copied into the timeline.</summary>
    public const int MaxBackfillMinutes = 24 * 60;

    public IEnumerable<InputValue> Inputs() =>
        [.. InputValue.Of(Actor), new(InputField.Title, Title), new(InputField.Name, Severity), new(InputField.Summary, Description), new(InputField.Service, Service),
            new(InputField.PlatformId, UseChannelId)];
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

        if (request.UseChannelId is { } useChannel)
        {
            await CheckConvertibleAsync(request, useChannel, cancellationToken);
        }

        var now = workspace.Now;
        var id = await workspace.NewIncidentIdAsync(cancellationToken);
        var incident = Incident.Declare(0, request.Title, severity, request.Actor, now, request.Description, request.Service, request.IsPrivate, id);

        // The store numbers the incident inside the commit: concurrent declares never share a number, and a declare
        // that fails leaves no gap.
        workspace.Declare(incident);
        if (request.UseChannelId is { } channel)
        {
            // Ahead of the channel's creation on the same key: the platform finds the adopted channel linked and makes none.
            workspace.Enqueue(new AdoptIncidentChannel(incident.Id, request.Actor.Platform, channel, request.BackfillMinutes));
        }

        workspace.Enqueue(new EnsureIncidentChannel(incident.Id));
        workspace.Enqueue(new InviteToIncident(incident.Id, [request.Actor.PersonKey]));
        workspace.Enqueue(new RefreshStatusCard(incident.Id));
        workspace.Remember(request.Actor.PersonKey, request.Actor.DisplayName, request.Actor.TenantId);
        await workspace.AnnounceAsync(incident, AnnouncementKind.Declared, null, cancellationToken);
        await workspace.SaveAsync(cancellationToken);

        await workspace.PublishAsync(incident, $"declared ({severity})", request.Actor, cancellationToken);
        return await workspace.SummarizeAsync(incident, cancellationToken);
    }

    private async Task CheckConvertibleAsync(DeclareIncident request, string channel, CancellationToken cancellationToken)
    {
        if (request.IsPrivate)
        {
            throw new IncidentRuleException("A private incident gets a private channel of its own: declare it without using this channel.");
        }

        if (request.BackfillMinutes is < 0 or > DeclareIncident.MaxBackfillMinutes)
        {
            throw new IncidentRuleException($"Copy between 0 and {DeclareIncident.MaxBackfillMinutes} minutes of the channel's messages into the timeline.");
        }

        if (await workspace.Store.NumberByChannelAsync(request.Actor.Platform, channel, cancellationToken) is { } number)
        {
            throw new IncidentRuleException($"This channel is already INC-{number}'s: declare the new incident without using it.");
        }
    }
}
