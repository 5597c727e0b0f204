using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Calendar;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>The review sessions as an iCalendar file, holding only what <see cref="Actor"/> may see.</summary>
public sealed record GetReviewCalendar(Actor Actor, int Weeks = 12) : IRequest<string>;

internal sealed class GetReviewCalendarHandler(IMediator mediator, IOptions<ReviewsOptions> reviews, IIncidentLinks links, TimeProvider clock)
    : IRequestHandler<GetReviewCalendar, string>
{
    public async Task<string> Handle(GetReviewCalendar request, CancellationToken cancellationToken)
    {
        var sessions = await mediator.Send(new ListReviewSessions(request.Actor, request.Weeks), cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var events = sessions.Select(s =>
        {
            var description = new StringBuilder();
            foreach (var item in s.Items)
            {
                description.Append(CultureInfo.InvariantCulture, $"{item.Slot}. {item.Reference} · {item.Severity} · {item.Title}");
                if (item.Presenter is not null)
                {
                    description.Append(CultureInfo.InvariantCulture, $" (presenter: {item.Presenter.Name})");
                }

                if (links.IncidentUrl(item.Number) is { } url)
                {
                    description.Append(CultureInfo.InvariantCulture, $"\nDoc: {url}/review\nTimeline: {url}");
                }

                description.Append('\n');
            }

            if (s.HiddenCount > 0)
            {
                description.Append(CultureInfo.InvariantCulture, $"+{s.HiddenCount} private incident(s)\n");
            }

            var summary = s.Cancelled ? "Incident review (cancelled)"
                : s.Items.Count == 0 && s.HiddenCount == 0 ? "Incident review (nothing booked yet)"
                : $"Incident review: {string.Join(", ", s.Items.Select(i => i.Reference))}{(s.HiddenCount > 0 ? $" +{s.HiddenCount}" : string.Empty)}";
            return new CalendarEvent(CalendarEvent.SessionUid(s.StartUtc), s.StartUtc, s.EndUtc, summary,
                description.Length == 0 ? "No incidents booked yet." : description.ToString().TrimEnd(), null, s.Cancelled, s.Items.Count + (s.Cancelled ? 100 : 0), now);
        }).ToList();
        return ICalendarWriter.Write(events, "Incident reviews", reviews.Value.Meeting.Schedule.Zone);
    }
}

/// <summary>Makes a new secret feed link for the actor (revoking their previous one) and returns its token, shown once.</summary>
public sealed record CreateCalendarFeed(Actor Actor) : IRequest<string>;

/// <summary>Whose feed a token is, if it is a live one.</summary>
public sealed record ResolveCalendarFeed(string Token) : IRequest<Actor?>;

internal sealed class CalendarFeedHandlers(Storage.IncidentDbContext db, TimeProvider clock)
    : IRequestHandler<CreateCalendarFeed, string>, IRequestHandler<ResolveCalendarFeed, Actor?>
{
    public async Task<string> Handle(CreateCalendarFeed request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.CalendarFeeds.Where(f => f.PersonKey == request.Actor.PersonKey && f.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.RevokedAt, now), cancellationToken);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        db.CalendarFeeds.Add(new CalendarFeed { PersonKey = request.Actor.PersonKey, TokenHash = Hash(token), CreatedAt = now });
        await People.RememberAsync(db, request.Actor, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    public async Task<Actor?> Handle(ResolveCalendarFeed request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 100)
        {
            return null;
        }

        var hash = Hash(request.Token);
        var feed = await db.CalendarFeeds.AsNoTracking().FirstOrDefaultAsync(f => f.TokenHash == hash && f.RevokedAt == null, cancellationToken);
        if (feed is null)
        {
            return null;
        }

        var name = await db.People.AsNoTracking().Where(p => p.Key == feed.PersonKey).Select(p => p.DisplayName).FirstOrDefaultAsync(cancellationToken);
        return new Actor(feed.PersonKey, name ?? People.FallbackName(feed.PersonKey));
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
