using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Web;

/// <summary>The console as a person uses it: typing and clicking in a real browser against the real host.</summary>
public class ConsoleBrowserTests
{
    /// <summary>The console trusting typed names, as in a lab (outside Development it must be asked for).</summary>
    internal static Dictionary<string, string?> OpenConsole(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Web:Console:Open"] = "true" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [SkippableFact]
    public async Task Console_DeclareAssignNoteResolve_ShowsTheWholeTimeline()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(OpenConsole());
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "alice");
        await page.ClickAsync("#set-name");
        await Assertions.Expect(page.GetByTestId("current-user")).ToHaveTextAsync("alice");

        await page.FillAsync("#command", "declare sev2 Checkout errors spike");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("INC-1 declared (SEV2): Checkout errors spike");
        await Assertions.Expect(page.GetByTestId("incidents")).ToContainTextAsync("Checkout errors spike");

        await page.ClickAsync("[data-testid=reply-link]");
        await Assertions.Expect(page.GetByTestId("incident-title")).ToHaveTextAsync("INC-1 · Checkout errors spike");

        foreach (var (command, reply) in new[]
        {
            ("role commander @alice", "alice is now commander of INC-1."),
            ("status identified bad deploy", "INC-1 is now identified: bad deploy"),
            ("note payment provider returning 502", "Added to INC-1's timeline as #"),
            ("action add a canary for payments @bob", "Action item on INC-1 (owner: bob): add a canary for payments"),
            ("resolve rolled back deploy 1432", "INC-1 resolved: rolled back deploy 1432"),
        })
        {
            await page.FillAsync("#command", command);
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync(reply);
        }

        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("resolved");
        await Assertions.Expect(page.GetByTestId("roles")).ToContainTextAsync("alice");
        var timeline = page.GetByTestId("timeline");
        foreach (var text in new[] { "INC-1 declared (SEV2)", "commander assigned: nobody → alice", "Status investigating → identified: bad deploy", "payment provider returning 502", "Action item: add a canary for payments", "Resolved: rolled back deploy 1432" })
        {
            await Assertions.Expect(timeline).ToContainTextAsync(text);
        }

        await Assertions.Expect(timeline.Locator("tbody tr")).ToHaveCountAsync(6);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("console-incident.png"), FullPage = true });

        await page.ClickAsync("[data-testid=kind-filter] >> text=note");
        await Assertions.Expect(timeline.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(timeline).ToContainTextAsync("payment provider returning 502");

        await page.GotoAsync(bot.BaseUrl + "/?status=all");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("console-home.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task Console_PrivateIncident_IsInvisibleToANonMember_AndUserTextIsEscaped()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(OpenConsole());
        var alice = await browser.NewPageAsync();
        var dialogs = 0;
        alice.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        await alice.GotoAsync(bot.BaseUrl + "/");
        await alice.FillAsync("#name", "alice");
        await alice.ClickAsync("#set-name");
        await alice.FillAsync("#title", "Payroll export exposed <script>alert(1)</script>");
        await alice.CheckAsync("#isPrivate");
        await alice.ClickAsync("#declare");
        await Assertions.Expect(alice.GetByTestId("incident-title")).ToHaveTextAsync("INC-1 · Payroll export exposed <script>alert(1)</script>");
        await Assertions.Expect(alice.GetByTestId("private")).ToBeVisibleAsync();
        await alice.FillAsync("#command", "declare sev4 Public flake");
        await alice.ClickAsync("#run");

        // Bob, in his own browser session, sees only the public one.
        await using var bobContext = await browser.NewContextAsync();
        var bob = await bobContext.NewPageAsync();
        await bob.GotoAsync(bot.BaseUrl + "/");
        await bob.FillAsync("#name", "bob");
        await bob.ClickAsync("#set-name");
        await Assertions.Expect(bob.GetByTestId("incidents")).ToContainTextAsync("Public flake");
        await Assertions.Expect(bob.GetByTestId("incidents")).Not.ToContainTextAsync("Payroll");

        var response = await bob.GotoAsync(bot.BaseUrl + "/incidents/1");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(bob.GetByTestId("not-found")).ToContainTextAsync("INC-1 was not found");
        await Assertions.Expect(bob.Locator("body")).Not.ToContainTextAsync("Payroll");

        await bob.GotoAsync(bot.BaseUrl + "/");
        await bob.FillAsync("#command", "INC-1 note let me in");
        await bob.ClickAsync("#run");
        await Assertions.Expect(bob.GetByTestId("reply")).ToContainTextAsync("INC-1 was not found");
        await Assertions.Expect(bob.GetByTestId("reply-link")).ToHaveCountAsync(0);
        await bob.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("console-private-bob.png"), FullPage = true });

        Assert.Equal(0, dialogs);
    }
}

/// <summary>The facilitator's view in the browser: the review doc, the agendas and one's own calendar link.</summary>
public class ReviewPagesBrowserTests
{
    [SkippableFact]
    public async Task ReviewDoc_AndReviewsPage_ShowTheBookedIncident_AndMakeACalendarLink()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole(("Reviews:Meeting:TimeZone", "Europe/Berlin"), ("Reviews:Facilitators:0", "console:fran")));
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "fran");
        await page.ClickAsync("#set-name");
        foreach (var command in new[] { "declare sev2 Checkout errors <b>spike</b>", "INC-1 role commander me", "INC-1 note provider returned 502s", "INC-1 resolve rolled back deploy 1432" })
        {
            await page.FillAsync("#command", command);
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("reply")).ToBeVisibleAsync();
        }

        await page.GotoAsync(bot.BaseUrl + "/incidents/1/review");
        var doc = page.GetByTestId("review-doc");
        await Assertions.Expect(doc).ToContainTextAsync("Checkout errors <b>spike</b>");
        await Assertions.Expect(doc).ToContainTextAsync("provider returned 502s");
        await Assertions.Expect(doc.Locator("b")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("review-doc.png"), FullPage = true });

        // The booking happens after the resolve, on the outbox worker: reload until it shows.
        await page.GotoAsync(bot.BaseUrl + "/reviews");
        for (var i = 0; i < 50 && !(await page.Locator("body").InnerTextAsync()).Contains("INC-1 · Checkout", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.GetByTestId("session").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("INC-1 · Checkout errors <b>spike</b>");
        await page.ClickAsync("#new-feed");
        await Assertions.Expect(page.GetByTestId("feed-url")).ToContainTextAsync("/reviews/feed/");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("reviews.png"), FullPage = true });

        var feedUrl = (await page.GetByTestId("feed-url").InnerTextAsync()).Trim();

        // Facilitator controls on the doc page: the same requests as "/incident review move next".
        await page.GotoAsync(bot.BaseUrl + "/incidents/1/review");
        await Assertions.Expect(page.GetByTestId("booking")).ToContainTextAsync("INC-1 is on the review agenda of");
        await page.ClickAsync("#review-move");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("Review of INC-1 moved to");
        using var http = new HttpClient();
        var ics = await http.GetStringAsync(new Uri(feedUrl));
        Assert.Contains("BEGIN:VCALENDAR", ics);
        Assert.Contains("INC-1", ics);
    }
}
