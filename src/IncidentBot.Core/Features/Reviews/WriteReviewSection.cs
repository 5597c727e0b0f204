using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Docs;
using IncidentBot.Core.Storage;
using MediatR;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Writes one of the review doc's sections (<c>/incident review write &lt;section&gt; &lt;text&gt;</c> appends; the web
/// replaces). The section must be one the template declares; the edit is kept with who and when.
/// </summary>
public sealed record WriteReviewSection(Actor Actor, int Number, string Section, string Text, bool Append) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Text, Text), new(InputField.Name, Section)];
}

internal sealed class WriteReviewSectionHandler(IncidentWorkspace workspace, IMediator mediator, IReviewStore reviews, IIncidentLinks links)
    : IRequestHandler<WriteReviewSection, string>
{
    public async Task<string> Handle(WriteReviewSection request, CancellationToken cancellationToken)
    {
        var incident = await workspace.LoadAsync(request.Number, request.Actor, withTimeline: false, cancellationToken);
        workspace.Demand(Access.IncidentAction.WriteReviewSection, incident, request.Actor);
        var doc = await reviews.FindDocumentAsync(incident.Id, cancellationToken)
            ?? await mediator.Send(new GenerateReviewDoc(incident.Id), cancellationToken);
        var names = doc.Sections.Select(s => s.Name).ToList();
        if (names.Count == 0)
        {
            throw new ReviewRuleException($"The review template declares no sections to write in; {incident.Reference}'s doc is read-only (docs/review-template-reference.md shows how to declare them).");
        }

        var wanted = request.Section.Trim().ToLowerInvariant();
        // A section may be named by the start of its name ("contributing"), when only one starts that way.
        var starting = names.Where(n => wanted.Length > 0 && n.StartsWith(wanted, StringComparison.Ordinal)).ToList();
        var section = names.FirstOrDefault(n => n == wanted) ?? (starting.Count == 1 ? starting[0] : null)
            ?? throw new ReviewRuleException($"The review doc has no section '{request.Section}'. Its sections: {string.Join(", ", names)}.");

        incident.WriteReviewSection(section, request.Text, request.Append, request.Actor, workspace.Now, ReviewDocSections.MaxLength);
        await workspace.CommitAsync(incident, $"review doc section {section} {(request.Append ? "added to" : "written")}", request.Actor, cancellationToken);
        var url = links.IncidentUrl(incident.Number);
        return $"{(request.Append ? "Added to" : "Wrote")} \"{ReviewDocSections.TitleOf(section)}\" in {incident.Reference}'s review doc"
            + (url is null ? "." : $": {url}/review");
    }
}
