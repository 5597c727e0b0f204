using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Web.Access;
using MediatR;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Web;

/// <summary>
/// <c>/admin/work</c> over HTTP: who sees what, the retry form's anti-forgery token and the facilitator rule, on a bot
/// whose chat platform refuses announcements (one attempt each, so they are parked at once).
/// </summary>
public sealed partial class ParkedWorkPageTests : IAsyncLifetime, IDisposable
{
    private const string Error = "<script>alert(1)</script> channel_not_found";
    private BotFactory _bot = null!;
    private volatile bool _refusing = true;

    public async Task InitializeAsync()
    {
        var chat = new RecordingExecutor
        {
            Behaviour = intent => intent is AnnounceIncident && _refusing ? throw new InvalidOperationException(Error) : Task.CompletedTask,
        };
        _bot = new BotFactory(new Dictionary<string, string?>
        {
            ["Web:Console:Open"] = "true",
            ["Outbox:MaxAttempts"] = "1",
            ["Reviews:Facilitators:0"] = "console:fran",
        }, services: s => s.AddSingleton<IOutboxExecutor>(chat));
        var alice = Actor.Console("alice");
        await Send(new DeclareIncident(alice, "Checkout errors"));
        await Send(new DeclareIncident(alice, "Payroll export exposed", IsPrivate: true));
        await HostWork.SettleAsync(_bot.Services, _bot.Clock);
        Assert.Equal(2, (await ParkedAsync()).Count);
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    public void Dispose() => _bot?.Dispose();

    private async Task<T> Send<T>(IRequest<T> request)
    {
        await using var scope = _bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    private Task<List<WorkItem>> ParkedAsync() => StoreProbe.ItemsAsync(_bot.Services, "outbox.chat", WorkStatus.Parked);

    /// <summary>A browser of the console as <paramref name="name"/>: keeps cookies (the anti-forgery one, TempData) and follows redirects.</summary>
    private HttpClient Person(string name)
    {
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie(ConsoleNameHandler.CookieName, name));
        return _bot.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(cookies));
    }

    private static async Task<string> TokenFromAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException($"No anti-forgery token on {path}.");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, long id, string? token)
    {
        var form = new Dictionary<string, string> { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (token is not null)
        {
            form["__RequestVerificationToken"] = token;
        }

        return client.PostAsync(new Uri($"/admin/work?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Fact]
    public async Task Page_ShowsParkedItemsToANonFacilitator_WithoutThePrivateIncident_NorButtons_AndEscapesErrors()
    {
        using var bob = Person("bob");

        var response = await bob.GetAsync(new Uri("/admin/work", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2 parked", html);
        Assert.Contains("<a href=\"/incidents/1\">INC-1</a>", html);
        Assert.Contains("incident.announce", html);
        Assert.Contains("outbox.chat", html);
        Assert.Contains("<span class=\"badge\">private incident</span>", html);
        Assert.DoesNotContain("INC-2", html);
        Assert.DoesNotContain("/incidents/2", html);
        Assert.Equal(1, Regex.Count(html, "&lt;script&gt;alert\\(1\\)&lt;/script&gt; channel_not_found")); // the private one's error is not shown
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("data-testid=\"facilitators-only\"", html);
        Assert.DoesNotContain("data-testid=\"retry-", html);
    }

    [Fact]
    public async Task Page_ForAFacilitator_ShowsEveryIncident_AndTheirButtons()
    {
        using var fran = Person("fran");

        var html = await fran.GetStringAsync(new Uri("/admin/work", UriKind.Relative));

        Assert.Contains("<a href=\"/incidents/2\">INC-2</a>", html);
        foreach (var item in await ParkedAsync())
        {
            Assert.Contains($"data-testid=\"retry-{item.Id}\"", html);
            Assert.Contains($"data-testid=\"discard-{item.Id}\"", html);
        }

        Assert.DoesNotContain("data-testid=\"facilitators-only\"", html);
        Assert.Contains("<a href=\"/admin/work\"", html); // in the navigation
    }

    [Fact]
    public async Task Retry_ByAFacilitator_WithTheFormsToken_QueuesItAgain_AndItRuns()
    {
        using var fran = Person("fran");
        var item = (await ParkedAsync()).First();
        var token = await TokenFromAsync(fran, "/admin/work");
        _refusing = false;

        var response = await PostAsync(fran, "Retry", item.Id, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/admin/work", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains($"Work item {item.Id} (incident.announce) is queued again with a fresh set of attempts.", await response.Content.ReadAsStringAsync());
        await HostWork.SettleAsync(_bot.Services, _bot.Clock);
        var after = Assert.Single(await StoreProbe.ItemsAsync(_bot.Services, "outbox.chat"), i => i.Id == item.Id);
        Assert.Equal(WorkStatus.Done, after.Status);
        Assert.Single(await ParkedAsync());
    }

    [Fact]
    public async Task Discard_ByAFacilitator_WithTheFormsToken_EmptiesTheList_AndThePageSaysNothingIsParked()
    {
        using var fran = Person("fran");
        foreach (var item in await ParkedAsync())
        {
            var response = await PostAsync(fran, "Discard", item.Id, await TokenFromAsync(fran, "/admin/work"));
            Assert.Contains($"Work item {item.Id} (incident.announce) is discarded; it will not run.", await response.Content.ReadAsStringAsync());
        }

        var html = await fran.GetStringAsync(new Uri("/admin/work", UriKind.Relative));

        Assert.Contains("data-testid=\"nothing-parked\"", html);
        Assert.Contains("Nothing is parked", html);
        Assert.DoesNotContain("data-testid=\"parked\"", html);
        Assert.Empty(await ParkedAsync());
    }

    [Fact]
    public async Task Retry_WithoutTheAntiforgeryToken_IsRefused_AndTheItemStaysParked()
    {
        using var fran = Person("fran");
        var item = (await ParkedAsync()).First();
        _refusing = false;

        var response = await PostAsync(fran, "Retry", item.Id, token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await HostWork.SettleAsync(_bot.Services, _bot.Clock);
        Assert.Contains(await ParkedAsync(), i => i.Id == item.Id && i.Attempts == 1);
    }

    [Fact]
    public async Task Retry_ByANonFacilitator_WithAValidToken_IsRefused_SayingWhoMay_AndTheItemStaysParked()
    {
        using var bob = Person("bob");
        var item = (await ParkedAsync()).First();
        var token = await TokenFromAsync(bob, "/"); // his page has no forms; the console's has
        _refusing = false;

        var response = await PostAsync(bob, "Retry", item.Id, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Only review facilitators (Reviews:Facilitators) can retry parked work.", await response.Content.ReadAsStringAsync());
        await HostWork.SettleAsync(_bot.Services, _bot.Clock);
        Assert.Contains(await ParkedAsync(), i => i.Id == item.Id && i.Attempts == 1);
    }

    [Fact]
    public async Task WithoutAPerson_ThePageAsksForAName_AndARetryChangesNothing()
    {
        using var nobody = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var item = (await ParkedAsync()).First();

        var page = await nobody.GetAsync(new Uri("/admin/work", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/?returnUrl=%2Fadmin%2Fwork", page.Headers.Location!.OriginalString);
        var post = await PostAsync(nobody, "Retry", item.Id, await TokenFromAsync(nobody, "/"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Contains(await ParkedAsync(), i => i.Id == item.Id);
    }

    [Fact]
    public async Task Readiness_IsDegradedWhileWorkIsParked_AndItsDescriptionPointsToThePage()
    {
        using var client = _bot.CreateClient();

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        var queue = body.RootElement.GetProperty("checks").GetProperty("work-queue");
        Assert.Equal("Degraded", queue.GetProperty("status").GetString());
        Assert.Equal("2 work item(s) parked after their retries; see /admin/work", queue.GetProperty("description").GetString());
        Assert.Equal(2, queue.GetProperty("data").GetProperty("parked").GetInt32());
    }
}

/// <summary>The same page on a bot where nothing failed.</summary>
public sealed class ParkedWorkEmptyPageTests
{
    [Fact]
    public async Task Page_WhenNothingIsParked_SaysSo()
    {
        using var bot = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        using var client = bot.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{ConsoleNameHandler.CookieName}=bob");

        var html = await client.GetStringAsync(new Uri("/admin/work", UriKind.Relative));

        Assert.Contains("Nothing is parked: everything went through or is still being retried.", html);
        Assert.DoesNotContain("data-testid=\"parked\"", html);
    }
}
