using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Features.Incidents;

/// <summary>
/// What the incident index narrows by; every part is optional. <paramref name="Status"/> is <c>open</c>, <c>closed</c>
/// or one status word; dates are days in <c>Incidents:TimeZone</c>, both ends included.
/// </summary>
public sealed record IncidentFilter(
    string? Search = null,
    string? Status = null,
    string? Severity = null,
    string? Service = null,
    DateOnly? DeclaredFrom = null,
    DateOnly? DeclaredTo = null);

/// <summary>
/// One page of the incident index: the incidents the actor may see that match, newest first, and how many match in
/// all, so that a page never passes for the whole list.
/// </summary>
public sealed record FindIncidents(Actor Actor, IncidentFilter Filter, int Page = 1, int PageSize = FindIncidents.DefaultPageSize)
    : IRequest<IncidentIndexPage>, IInputRequest
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public IEnumerable<InputValue> Inputs() =>
        InputValue.Of(Actor).Concat([
            new InputValue(InputField.Title, Filter.Search),
            new InputValue(InputField.Name, Filter.Status),
            new InputValue(InputField.Name, Filter.Severity),
            new InputValue(InputField.Service, Filter.Service),
        ]);
}

/// <summary>A page of the index and the count of every match, so that a page never passes for the whole list.</summary>
/// <param name="Items">The page's incidents, newest first.</param>
/// <param name="Total">Matches in all.</param>
/// <param name="Page">The page shown (1-based; a page past the end shows the last one).</param>
/// <param name="PageSize">Incidents per page.</param>
public sealed record IncidentIndexPage(IReadOnlyList<IncidentSummary> Items, int Total, int Page, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>1-based position of the first item shown (0 when nothing matches).</summary>
    public int First => Items.Count == 0 ? 0 : ((Page - 1) * PageSize) + 1;

    public int Last => Items.Count == 0 ? 0 : First + Items.Count - 1;
}

internal sealed class FindIncidentsHandler(IncidentWorkspace workspace) : IRequestHandler<FindIncidents, IncidentIndexPage>
{
    public async Task<IncidentIndexPage> Handle(FindIncidents request, CancellationToken cancellationToken)
    {
        var filter = request.Filter;
        var options = workspace.Incidents;
        var (open, status) = ParseStatus(filter.Status);
        string? severity = null;
        if (!string.IsNullOrWhiteSpace(filter.Severity))
        {
            severity = options.CanonicalSeverity(filter.Severity.Trim())
                ?? throw new IncidentRuleException($"Unknown severity '{filter.Severity.Trim()}': {string.Join(", ", options.Severities.Select(s => s.Name))}.");
        }

        var zone = options.Zone;
        var size = Math.Clamp(request.PageSize, 1, FindIncidents.MaxPageSize);
        var query = workspace.QueryFor(request.Actor, open, filter.Search, severity) with
        {
            Status = status,
            Service = filter.Service,
            DeclaredFrom = filter.DeclaredFrom is { } from ? StartOfDay(from, zone) : null,
            DeclaredBefore = filter.DeclaredTo is { } to ? StartOfDay(to.AddDays(1), zone) : null,
        };

        var page = Math.Max(1, request.Page);
        var found = await workspace.Store.ListAsync(query with { Skip = (page - 1) * size, Take = size }, cancellationToken);
        if (found.Items.Count == 0 && found.Total > 0 && page > 1)
        {
            // A page past the end (the list shrank since the link was made) shows the last page rather than nothing.
            page = ((found.Total - 1) / size) + 1;
            found = await workspace.Store.ListAsync(query with { Skip = (page - 1) * size, Take = size }, cancellationToken);
        }

        var names = await People.NamesAsync(workspace.People, found.Items.Select(i => i.CurrentHolder(options.LeadRole)?.PersonKey), cancellationToken);
        return new IncidentIndexPage(found.Items.Select(i => workspace.Summary(i, names)).ToList(), found.Total, page, size);
    }

    private static (bool? Open, IncidentStatus? Status) ParseStatus(string? word)
    {
        if (string.IsNullOrWhiteSpace(word) || word.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        word = word.Trim();
        if (word.Equals("open", StringComparison.OrdinalIgnoreCase))
        {
            return (true, null);
        }

        if (word.Equals("closed", StringComparison.OrdinalIgnoreCase))
        {
            return (false, null);
        }

        return Enum.TryParse<IncidentStatus>(word, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(word, out _)
            ? (null, status)
            : throw new IncidentRuleException(
                $"Unknown status '{word}': open, closed, {string.Join(", ", Enum.GetValues<IncidentStatus>().Select(s => s.ToWord()))}.");
    }

    private static DateTime StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        // Where a clock change skips midnight, the day starts at the first minute that exists.
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
