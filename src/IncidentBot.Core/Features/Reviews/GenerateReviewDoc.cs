using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Options;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Docs;
using MediatR;
using IncidentBot.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>(Re)writes the incident's review document from what the bot knows, with the admins' template if set.</summary>
public sealed record GenerateReviewDoc(long IncidentId) : IRequest<ReviewDocument>;

internal sealed class GenerateReviewDocHandler(
    IncidentWorkspace workspace,
    IMediator mediator,
    IOptions<ReviewsOptions> reviews,
    IIncidentLinks links,
    ILogger<GenerateReviewDocHandler> logger) : IRequestHandler<GenerateReviewDoc, ReviewDocument>
{
    public async Task<ReviewDocument> Handle(GenerateReviewDoc request, CancellationToken cancellationToken)
    {
        var incident = await mediator.Send(new ReadIncident(request.IncidentId), cancellationToken);
        string? template = null;
        var problems = new List<string>();
        if (reviews.Value.TemplatePath is { Length: > 0 } path)
        {
            try
            {
                template = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (IOException ex)
            {
                problems.Add($"Reviews:TemplatePath '{path}' could not be read ({ex.Message}); the built-in template was used.");
            }
            catch (UnauthorizedAccessException ex)
            {
                problems.Add($"Reviews:TemplatePath '{path}' could not be read ({ex.Message}); the built-in template was used.");
            }
        }

        var zone = reviews.Value.Meeting.Schedule.Zone;
        var result = ReviewDocGenerator.Generate(new ReviewDocContext(incident, zone, links.IncidentUrl(incident.Summary.Number), workspace.Now,
            workspace.Incidents.SeverityNames), template);
        problems.AddRange(result.TemplateErrors);
        if (problems.Count > 0)
        {
            logger.LogWarning("Review doc template problems (built-in template used): {Problems}", string.Join(" | ", problems));
        }

        var errors = problems.Count == 0 ? null : string.Join('\n', problems);
        var doc = new ReviewDocument
        {
            IncidentId = request.IncidentId,
            Markdown = result.Markdown,
            GeneratedAt = workspace.Now,
            TemplateErrors = errors,
            Sections = [.. result.Sections],
        };
        workspace.Change.Documents.Add(doc);
        await workspace.SaveAsync(cancellationToken);
        return doc;
    }
}

/// <summary>
/// The regeneration that follows changes to a closed incident: skipped when the incident has no doc yet (it was never
/// resolved) or when the agenda it is booked on is fixed (a facilitator can still regenerate it by hand).
/// </summary>
public sealed record RefreshReviewDoc(long IncidentId) : IRequest<string>;

internal sealed class RefreshReviewDocHandler(IMediator mediator, IReviewStore reviews, ReviewPlans plans) : IRequestHandler<RefreshReviewDoc, string>
{
    public async Task<string> Handle(RefreshReviewDoc request, CancellationToken cancellationToken)
    {
        if (await reviews.FindDocumentAsync(request.IncidentId, cancellationToken) is null)
        {
            return "no doc to regenerate";
        }

        if (await ReviewDocFreeze.IsFrozenAsync(reviews, plans, request.IncidentId, cancellationToken))
        {
            return "doc frozen with the agenda";
        }

        await mediator.Send(new GenerateReviewDoc(request.IncidentId), cancellationToken);
        return "doc regenerated";
    }
}
