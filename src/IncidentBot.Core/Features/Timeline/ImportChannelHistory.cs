using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Timeline;

/// <summary>
/// One message read back from the channel an incident was declared in. Its <c>ExternalId</c> is the platform's id of
/// the message (<c>slack:C…:1712345678.000100</c>): importing it again adds nothing.
/// </summary>
public sealed record ImportedMessage(string ExternalId, string AuthorKey, string? AuthorName, string Text, DateTime OccurredAt, string? Link);

/// <summary>
/// The incident took over an existing channel: what was said there before the declare starts its timeline, as
/// captured messages with their own authors and times. One commit; messages already imported are left out, so an
/// adapter that runs it again after a failure adds only what is missing.
/// </summary>
public sealed record ImportChannelHistory(long IncidentId, IReadOnlyList<ImportedMessage> Messages) : IRequest<int>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => Messages.SelectMany(m => new InputValue[]
    {
        new(InputField.PlatformId, m.ExternalId),
        new(InputField.PersonKey, m.AuthorKey),
        new(InputField.DisplayName, m.AuthorName),
        new(InputField.Link, m.Link),
    });
}

internal sealed class ImportChannelHistoryHandler(IncidentWorkspace workspace) : IRequestHandler<ImportChannelHistory, int>
{
    public async Task<int> Handle(ImportChannelHistory request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadByIdAsync(request.IncidentId, withTimeline: true, cancellationToken);
        var known = incident.Timeline.Where(e => e.ExternalId is not null).Select(e => e.ExternalId!).ToHashSet(StringComparer.Ordinal);
        var now = workspace.Now;
        var added = 0;
        foreach (var message in request.Messages.Where(m => known.Add(m.ExternalId)).OrderBy(m => m.OccurredAt))
        {
            var text = InputLimits.Apply(InputField.CapturedMessage, message.Text);
            var entry = incident.Record(TimelineKind.Captured, new Actor(message.AuthorKey, message.AuthorName ?? message.AuthorKey, incident.TenantId), now,
                string.IsNullOrEmpty(text) ? "(no text)" : text);
            entry.OccurredAt = message.OccurredAt;
            entry.ExternalId = message.ExternalId;
            entry.Link = message.Link;
            workspace.Remember(message.AuthorKey, message.AuthorName, incident.TenantId);
            added++;
        }

        if (added > 0)
        {
            await workspace.SaveAsync(cancellationToken);
        }

        return added;
    }
}
