using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>
/// Is an incident ready for its review: how many of its doc's written sections hold something, and whether the
/// presenter said they will present (<c>review present</c>). Shown on every agenda (chat, web, calendar).
/// </summary>
public sealed record ReviewReadiness(int SectionsFilled, int Sections, bool PresenterConfirmed)
{
    public bool DocFilled => SectionsFilled == Sections;

    /// <summary>"doc 2/5 sections filled · presenter confirmed".</summary>
    public string Describe() =>
        (Sections == 0 ? "doc has no sections to fill" : $"doc {SectionsFilled}/{Sections} sections filled")
        + (PresenterConfirmed ? " · presenter confirmed" : " · presenter not confirmed");

    public static async Task<ReviewReadiness> OfAsync(IReviewStore reviews, Incident incident, ReviewBooking? booking, CancellationToken cancellationToken)
    {
        var doc = await reviews.FindDocumentAsync(incident.Id, cancellationToken);
        var names = doc?.Sections.Select(s => s.Name).ToList() ?? [];
        var texts = incident.ReviewSectionTexts();
        var filled = names.Count(n => !string.IsNullOrWhiteSpace(texts.GetValueOrDefault(n)));
        return new ReviewReadiness(filled, names.Count, booking?.PresenterConfirmedAt is not null);
    }
}
