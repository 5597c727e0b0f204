using IncidentBot.Core.Storage;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Reviews.Calendar;
using MediatR;
using Microsoft.Extensions.Options;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Reviews;

/// <summary>The review sessions as an iCalendar file, holding only what <see cref="Actor"/> may see.</summary>
public sealed record GetReviewCalendar(Actor Actor, int Weeks = 12) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

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

                description.Append(CultureInfo.InvariantCulture, $"\nReady: {item.Readiness.Describe()}");

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
                description.Length == 0 ? "No incidents booked yet." : description.ToString().TrimEnd(), null, s.Cancelled, s.Items.Count + (s.Cancelled ? 100 : 0), now,
                Attendees: reviews.Value.Invitees());
        }).ToList();
        return CalendarFile.Write(events, "Incident reviews", reviews.Value.Meeting.Schedule.Zone);
    }
}

/// <summary>Makes a new secret feed link for the actor (revoking their previous one) and returns its token, shown once.</summary>
public sealed record CreateCalendarFeed(Actor Actor) : IRequest<string>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => InputValue.Of(Actor);
}

/// <summary>Whose feed a token is, if it is a live one.</summary>
public sealed record ResolveCalendarFeed(string Token) : IRequest<Actor?>, IInputRequest
{
    public IEnumerable<InputValue> Inputs() => [new(InputField.PlatformId, Token)];
}

internal sealed class CalendarFeedHandlers(IReviewStore reviews, IPeopleStore people, TimeProvider clock)
    : IRequestHandler<CreateCalendarFeed, string>, IRequestHandler<ResolveCalendarFeed, Actor?>
{
    public async Task<string> Handle(CreateCalendarFeed request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await people.RememberAsync(People.Seen(request.Actor.PersonKey, request.Actor.DisplayName, request.Actor.TenantId, now), cancellationToken);
        await reviews.IssueFeedAsync(new CalendarFeed { PersonKey = request.Actor.PersonKey, TokenHash = Hash(token), CreatedAt = now }, cancellationToken);
        return token;
    }

    public async Task<Actor?> Handle(ResolveCalendarFeed request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 100)
        {
            return null;
        }

        var feed = await reviews.FindFeedAsync(Hash(request.Token), cancellationToken);
        if (feed is null)
        {
            return null;
        }

        var names = await People.NamesAsync(people, [feed.PersonKey], cancellationToken);
        return new Actor(feed.PersonKey, names[feed.PersonKey]);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
