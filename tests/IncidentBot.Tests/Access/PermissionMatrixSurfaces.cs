using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Teams.Cards;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Teams;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Access;

public sealed class SlackPermissionMatrixTests(SlackMatrixSurface surface) : PermissionMatrixTests<SlackMatrixSurface>(surface), IClassFixture<SlackMatrixSurface>
{
    [Theory]
    [MemberData(nameof(PermissionMatrix.Cases), "slack", MemberType = typeof(PermissionMatrix))]
    public Task On_Slack(IncidentAction action, MatrixPerson person) => RunAsync(action, person);
}

public sealed class TeamsPermissionMatrixTests(TeamsMatrixSurface surface) : PermissionMatrixTests<TeamsMatrixSurface>(surface), IClassFixture<TeamsMatrixSurface>
{
    [Theory]
    [MemberData(nameof(PermissionMatrix.Cases), "teams", MemberType = typeof(PermissionMatrix))]
    public Task On_Teams(IncidentAction action, MatrixPerson person) => RunAsync(action, person);
}

public sealed class WebPermissionMatrixTests(WebMatrixSurface surface) : PermissionMatrixTests<WebMatrixSurface>(surface), IClassFixture<WebMatrixSurface>
{
    [Theory]
    [MemberData(nameof(PermissionMatrix.Cases), "web", MemberType = typeof(PermissionMatrix))]
    public Task On_the_web(IncidentAction action, MatrixPerson person) => RunAsync(action, person);

    [Fact]
    public void Every_action_has_a_row_and_every_surface_offers_every_row_it_can()
    {
        Assert.Equal(Enum.GetValues<IncidentAction>(), PermissionMatrix.Rows.Select(r => r.Action));
        Assert.All(PermissionMatrix.Rows, r => Assert.Contains(new[] { "slack", "teams", "web" }, r.OfferedOn));
    }
}

/// <summary>Slack: slash commands answered through <c>response_url</c>, captures by reaction answered with an ephemeral message.</summary>
public sealed class SlackMatrixSurface : IMatrixSurface
{
    private SlackHarness _h = null!;
    private int _messages;

    public IServiceProvider Services => _h.Bot.Services;

    public FakeTimeProvider Clock => _h.Clock;

    public Actor Declarer { get; } = new("slack:U0DECLARE1", "dana", SlackHarness.Team);

    public Actor Scribe { get; } = new("slack:U0SCRIBE1", "sam", SlackHarness.Team);

    public Actor Person(MatrixPerson person) => person switch
    {
        MatrixPerson.Holder => new("slack:U0HOLDER1", "holly", SlackHarness.Team),
        MatrixPerson.Member => new("slack:U0MEMBER1", "mel", SlackHarness.Team),
        _ => new("slack:U0FACILIT1", "fay", SlackHarness.Team),
    };

    public async Task InitializeAsync() =>
        _h = await SlackHarness.StartAsync(new Dictionary<string, string?> { ["Reviews:Facilitators:1"] = "slack:U0FACILIT1" });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public Task SettleAsync() => _h.SettleAsync();

    public async Task<string> CommandAsync(MatrixPerson person, string text)
    {
        var seen = _h.Slack.Responses.Count;
        Assert.Equal(HttpStatusCode.OK, (await _h.CommandAsync(text, user: Id(person))).StatusCode);
        await _h.SettleAsync();
        var replies = _h.Slack.Responses.Skip(seen).ToList();
        return string.Join('\n', replies.Select(r => $"{r["response_type"]}: {WebUtility.HtmlDecode(r["text"]!.GetValue<string>())}"));
    }

    public async Task<string> CaptureAsync(MatrixPerson person, int number)
    {
        var channel = Assert.Single((await _h.IncidentAsync(number)).Channels, c => c.Platform == "slack").ChannelId;
        var ts = $"1763370999.{Interlocked.Increment(ref _messages):D6}";
        _h.Slack.AddMessage(channel, ts, "U0AUTHOR1", "db-2 disk is full");
        var seen = _h.Slack.CallsTo("chat.postEphemeral").Count;
        var reaction = SlackHarness.Placeholders(SlackHarness.Fixture("event-reaction_added.json"),
            ("CHANNEL", channel), ("TS", ts), ("EVENT_ID", $"EvMatrix{ts}"), ("REACTION", "pushpin"))
            .Replace("\"user\": \"U123ABC456\"", $"\"user\": \"{Id(person)}\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _h.EventAsync(reaction)).StatusCode);
        await _h.SettleAsync();
        return string.Join('\n', _h.Slack.CallsTo("chat.postEphemeral").Skip(seen).Select(c => $"ephemeral: {WebUtility.HtmlDecode(c["text"])}"));
    }

    public Task<string> HideEntryAsync(MatrixPerson person, int number, long entryId) => throw new NotSupportedException("Slack has no timeline editor.");

    private string Id(MatrixPerson person) => Person(person).PersonKey["slack:".Length..];
}

/// <summary>Teams: mentions answered in the thread, the capture message action answered in its dialog.</summary>
public sealed class TeamsMatrixSurface : IMatrixSurface
{
    private TeamsHarness _h = null!;
    private int _messages;

    public IServiceProvider Services => _h.Bot.Services;

    public FakeTimeProvider Clock => _h.Bot.Clock;

    public Actor Declarer { get; } = new("teams:0d0d0d0d-0000-4000-8000-000000000001", "dana", TeamsActivities.DefaultTenantId);

    public Actor Scribe { get; } = new("teams:0d0d0d0d-0000-4000-8000-000000000002", "sam", TeamsActivities.DefaultTenantId);

    public Actor Person(MatrixPerson person) => person switch
    {
        MatrixPerson.Holder => new("teams:0d0d0d0d-0000-4000-8000-000000000003", "holly", TeamsActivities.DefaultTenantId),
        MatrixPerson.Member => new("teams:0d0d0d0d-0000-4000-8000-000000000004", "mel", TeamsActivities.DefaultTenantId),
        _ => new("teams:0d0d0d0d-0000-4000-8000-000000000005", "fay", TeamsActivities.DefaultTenantId),
    };

    public async Task InitializeAsync() =>
        _h = await TeamsHarness.StartAsync(settings: new Dictionary<string, string?> { ["Reviews:Facilitators:1"] = Person(MatrixPerson.Facilitator).PersonKey });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public Task SettleAsync() => _h.SettleAsync();

    public async Task<string> CommandAsync(MatrixPerson person, string text)
    {
        var actor = Person(person);
        var seen = _h.Teams.ConnectorCalls.Count;
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(TeamsActivities.Message($"<at>{TeamsActivities.DefaultBotName}</at> {text}", serviceUrl: _h.ServiceUrl,
            mentionBot: true, fromAadObjectId: Aad(actor), fromName: actor.DisplayName))).StatusCode);
        await _h.SettleAsync();
        return string.Join('\n', _h.Teams.ConnectorCalls.Skip(seen).Where(c => c.Route == FakeTeamsRoutes.ReplyToActivity).Select(c => WebUtility.HtmlDecode(c.Text ?? string.Empty)));
    }

    public async Task<string> CaptureAsync(MatrixPerson person, int number)
    {
        var actor = Person(person);
        var message = new TeamsMessagePayload($"17123{Interlocked.Increment(ref _messages):D8}", "<p>db-2 disk is full</p>", "0d0d0d0d-0000-4000-8000-0000000000aa", "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var data = new JsonObject { ["command"] = TeamsCards.CaptureCommand, ["incident"] = $"{number}" };
        var answer = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.CaptureCommand, "message", data, message, serviceUrl: _h.ServiceUrl,
            fromAadObjectId: Aad(actor), fromName: actor.DisplayName));
        return WebUtility.HtmlDecode(TeamsHarness.AnswerText(answer));
    }

    public Task<string> HideEntryAsync(MatrixPerson person, int number, long entryId) => throw new NotSupportedException("Teams has no timeline editor.");

    private static string Aad(Actor actor) => actor.PersonKey["teams:".Length..];
}

/// <summary>The web console: a person's commands on the incident page, and its timeline editor.</summary>
public sealed partial class WebMatrixSurface : IMatrixSurface, IDisposable
{
    private BotFactory _bot = null!;

    public IServiceProvider Services => _bot.Services;

    public FakeTimeProvider Clock => _bot.Clock;

    public Actor Declarer { get; } = Actor.Console("dana");

    public Actor Scribe { get; } = Actor.Console("sam");

    public Actor Person(MatrixPerson person) => person switch
    {
        MatrixPerson.Holder => Actor.Console("holly"),
        MatrixPerson.Member => Actor.Console("mel"),
        _ => Actor.Console("facilitator"),
    };

    public Task InitializeAsync()
    {
        _bot = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true", ["Reviews:Facilitators:0"] = "console:facilitator" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    public void Dispose() => _bot?.Dispose();

    public Task SettleAsync() => HostWork.SettleAsync(_bot.Services, _bot.Clock);

    public Task<string> CommandAsync(MatrixPerson person, string text)
    {
        var number = IncidentInText().Match(text) is { Success: true } m ? m.Groups[1].Value : "1";
        return PostAsync(person, $"/incidents/{number}", "Command", new() { ["text"] = text });
    }

    public Task<string> CaptureAsync(MatrixPerson person, int number) => throw new NotSupportedException("The console has no messages to capture.");

    public Task<string> HideEntryAsync(MatrixPerson person, int number, long entryId) =>
        PostAsync(person, $"/incidents/{number}", "Edit", new() { ["entryId"] = $"{entryId}", ["hidden"] = "true" });

    /// <summary>Posts a form of the page as the person, follows the redirect and returns the reply the page shows.</summary>
    private async Task<string> PostAsync(MatrixPerson person, string page, string handler, Dictionary<string, string> form)
    {
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie(IncidentBot.Web.Access.ConsoleNameHandler.CookieName, Person(person).DisplayName));
        using var client = _bot.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(cookies));
        var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        form["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);
        // The page runs the command in the request: if it loses a race (the review freeze check saves the calendar every
        // minute), it retries after a pause on the fake clock, so time must pass while it waits.
        var response = await _bot.Clock.LetTimePassUntilDoneAsync(
            client.PostAsync(new Uri($"{page}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = ReplyDiv().Match(await response.Content.ReadAsStringAsync());
        return shown.Success ? WebUtility.HtmlDecode(shown.Groups[1].Value) : string.Empty;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("data-testid=\"reply\">(.*?)</", RegexOptions.Singleline)]
    private static partial Regex ReplyDiv();

    [GeneratedRegex(@"\bINC-(\d+)\b")]
    private static partial Regex IncidentInText();
}
