using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Web;

/// <summary>
/// The console at a desk (1280 px) and on a phone (390 px), light and dark, with many incidents, and two responders
/// watching the same incident.
/// </summary>
public class ConsoleLayoutBrowserTests
{
    private static readonly int[] Widths = [1280, 390];

    /// <summary>
    /// Words (split at spaces, hyphens and slashes, where a line may break) that the layout splits over two lines,
    /// in table cells and in the review doc.
    /// </summary>
    private const string SplitWordsScript = """
        () => {
            const split = [];
            for (const cell of document.querySelectorAll('td, th, .doc li, .doc p')) {
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const m of node.data.matchAll(/[^\s\-\/]+/g)) {
                        const range = document.createRange();
                        range.setStart(node, m.index);
                        range.setEnd(node, m.index + m[0].length);
                        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                        if (lines.size > 1) split.push(m[0]);
                    }
                }
            }
            return split;
        }
        """;

    [SkippableFact]
    public async Task Pages_AtDeskAndPhoneWidth_NeverScrollSideways_NorSplitWords()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole(("Reviews:Facilitators:0", "console:alice")));
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await SignInAsync(page, bot, "alice");
        foreach (var command in new[]
        {
            "declare sev1 Checkout declines for every card issuer in the European region after the gateway certificate rotation",
            "INC-1 role commander @alice",
            "INC-1 role communications @bartholomew",
            "INC-1 status identified the payment gateway rejects our renewed intermediate certificate chain for all European issuers",
            "INC-1 note customers in Germany, France and Spain report declined cards; support has opened a status page entry and is collecting merchant identifiers",
            "INC-1 action rotate the intermediate certificate back and add a synthetic transaction monitor per region @bartholomew",
            "declare sev3 Nightly export slow",
            "INC-2 cancel false alarm from the load test",
        })
        {
            await RunAsync(page, command);
        }

        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            foreach (var (path, name) in new[] { ("/?status=all", "home"), ("/incidents/1", "incident"), ("/incidents/1/review", "review-doc") })
            {
                await page.GotoAsync(bot.BaseUrl + path);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"layout-{name}-{width}.png"), FullPage = true });
                var (scrollWidth, innerWidth) = await WidthsAsync(page);
                Assert.True(scrollWidth <= innerWidth, $"{path} at {width} px scrolls sideways: {scrollWidth} > {innerWidth}");
                Assert.Empty(await page.EvaluateAsync<string[]>(SplitWordsScript));
            }
        }

        // The check itself: the rule this layout replaced (break anywhere) splits names in the timeline at desk width.
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync(bot.BaseUrl + "/incidents/1");
        await page.AddStyleTagAsync(new PageAddStyleTagOptions { Content = "th, td { overflow-wrap: anywhere; } table.timeline td:first-child { white-space: normal; }" });
        await page.SetViewportSizeAsync(700, 900);
        Assert.NotEmpty(await page.EvaluateAsync<string[]>(SplitWordsScript));
    }

    [SkippableFact]
    public async Task DarkMode_FollowsTheSystem_AndBadgesShareOnePalette()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole());
        await using var dark = await browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await using var light = await browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Light, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var night = await dark.NewPageAsync();
        var day = await light.NewPageAsync();
        await SignInAsync(night, bot, "alice");
        await SignInAsync(day, bot, "bob");
        await RunAsync(night, "declare sev2 Search is slow");
        await RunAsync(night, "INC-1 resolve cache warmed");
        await RunAsync(night, "declare sev2 Disk alarm");
        await RunAsync(night, "INC-2 cancel false alarm");
        await RunAsync(night, "declare sev2 Checkout errors");

        await night.GotoAsync(bot.BaseUrl + "/?status=all");
        await day.GotoAsync(bot.BaseUrl + "/?status=all");
        await night.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("dark-home-1280.png"), FullPage = true });
        await day.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("light-home-1280.png"), FullPage = true });
        Assert.True(Luminance(await BackgroundAsync(night, "body")) < 0.15, "the dark page is not dark");
        Assert.True(Luminance(await BackgroundAsync(night, ".card")) < 0.15, "dark cards are not dark");
        Assert.True(Luminance(await BackgroundAsync(day, "body")) > 0.8, "the light page is not light");
        Assert.True(Luminance(await ColorAsync(night, "td.title")) > 0.5, "dark text is not light");

        // Cancelled is not green; resolved is. Severity looks the same on the index and on the incident.
        var cancelled = Rgb(await BackgroundAsync(day, ".st-cancelled"));
        var resolved = Rgb(await BackgroundAsync(day, ".st-resolved"));
        Assert.True(resolved.G > resolved.R && resolved.G > resolved.B, "resolved is not green");
        Assert.False(cancelled.G > cancelled.R + 10 && cancelled.G > cancelled.B + 10, "cancelled is green");
        var onIndex = await BackgroundAsync(day, "[data-testid=incidents] tbody tr:first-child [class*=sev-]");
        await day.GotoAsync(bot.BaseUrl + "/incidents/3");
        Assert.Equal(onIndex, await BackgroundAsync(day, "[data-testid=severity]"));
        await night.GotoAsync(bot.BaseUrl + "/incidents/3");
        await night.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("dark-incident-1280.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task SecondBrowser_SeesANoteAndANewIncident_WithoutReloading()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole());
        await using var aliceContext = await browser.NewContextAsync();
        await using var bobContext = await browser.NewContextAsync();
        var alice = await aliceContext.NewPageAsync();
        var bob = await bobContext.NewPageAsync();
        var bobIndex = await bobContext.NewPageAsync();
        await SignInAsync(alice, bot, "alice");
        await SignInAsync(bob, bot, "bob");
        await RunAsync(alice, "declare sev2 Checkout errors spike");

        await bob.GotoAsync(bot.BaseUrl + "/incidents/1");
        await bobIndex.GotoAsync(bot.BaseUrl + "/");
        await Assertions.Expect(bob.Locator("body[data-live=on]")).ToHaveCountAsync(1);
        await Assertions.Expect(bobIndex.Locator("body[data-live=on]")).ToHaveCountAsync(1);
        await bob.FillAsync("#command", "half-typed by bob");

        await alice.GotoAsync(bot.BaseUrl + "/incidents/1");
        await RunAsync(alice, "note provider returns 502 for every card");
        await RunAsync(alice, "status identified bad deploy");

        await Assertions.Expect(bob.GetByTestId("timeline")).ToContainTextAsync("provider returns 502 for every card");
        await Assertions.Expect(bob.GetByTestId("status")).ToHaveTextAsync("identified");
        Assert.Equal("half-typed by bob", await bob.InputValueAsync("#command"));
        await Assertions.Expect(bobIndex.GetByTestId("incidents")).ToContainTextAsync("identified");

        await RunAsync(alice, "declare sev1 Login broken");
        await Assertions.Expect(bobIndex.GetByTestId("incidents")).ToContainTextAsync("Login broken");
        await Assertions.Expect(bobIndex.GetByTestId("total")).ToHaveTextAsync("2");
        await bob.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("live-bob-incident.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task OnPostgres_ABrowserOnOneReplica_SeesANotePostedThroughAnother()
    {
        await using var db = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var settings = ConsoleBrowserTests.OpenConsole([.. db.Settings.Select(kv => (kv.Key, kv.Value))]);
        await using var first = await KestrelBot.StartAsync(settings);
        await using var second = await KestrelBot.StartAsync(settings);
        await using var aliceContext = await browser.NewContextAsync();
        await using var bobContext = await browser.NewContextAsync();
        var alice = await aliceContext.NewPageAsync();
        var bob = await bobContext.NewPageAsync();
        await SignInAsync(alice, first, "alice");
        await SignInAsync(bob, second, "bob");
        await RunAsync(alice, "declare sev2 Checkout errors spike");

        await bob.GotoAsync(second.BaseUrl + "/incidents/1");
        await Assertions.Expect(bob.Locator("body[data-live=on]")).ToHaveCountAsync(1);
        await alice.GotoAsync(first.BaseUrl + "/incidents/1");

        // The second replica listens from its first watcher on; notes until one shows prove the path end to end.
        var shown = false;
        for (var i = 1; i <= 20 && !shown; i++)
        {
            // The timeline shows the note's text without the command word, and "try 1." is no part of "try 10.".
            await RunAsync(alice, $"note through the first replica, try {i}.");
            shown = await bob.GetByTestId("timeline").GetByText($"through the first replica, try {i}.", new LocatorGetByTextOptions { Exact = false })
                .WaitForAsync(new LocatorWaitForOptions { Timeout = 2000 }).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        }

        Assert.True(shown, "the page on the second replica never showed a note posted through the first");
        await bob.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("live-across-replicas.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task Index_With120Incidents_SearchesFiltersAndPages_WithHonestCounts()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole());
        var alice = Actor.Console("alice");
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            for (var i = 1; i <= 120; i++)
            {
                var service = i % 4 == 0 ? "payments" : "search";
                var severity = i == 1 ? "SEV1" : "SEV3";
                await mediator.Send(new DeclareIncident(alice, i % 10 == 0 ? $"Checkout errors {i}" : $"Slow pages {i}", severity, Service: service));
            }

            for (var i = 101; i <= 120; i++)
            {
                await mediator.Send(new ResolveIncident(alice, i, "fixed"));
            }
        }

        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await SignInAsync(page, bot, "alice");

        await Assertions.Expect(page.GetByTestId("index-heading")).ToContainTextAsync("Open incidents");
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("100");
        await Assertions.Expect(page.GetByTestId("showing")).ToHaveTextAsync("Showing 1–25 of 100, newest first.");
        await Assertions.Expect(page.GetByTestId("page-of")).ToHaveTextAsync("page 1 of 4");
        await Assertions.Expect(page.Locator("[data-testid=incidents] tbody tr")).ToHaveCountAsync(25);
        await Assertions.Expect(page.Locator("[data-testid=incidents] tbody tr").First).ToContainTextAsync("INC-100");

        foreach (var next in new[] { 2, 3, 4 })
        {
            await page.ClickAsync("#older");
            await Assertions.Expect(page.GetByTestId("page-of")).ToHaveTextAsync($"page {next} of 4");
        }

        await Assertions.Expect(page.GetByTestId("showing")).ToHaveTextAsync("Showing 76–100 of 100, newest first.");
        await Assertions.Expect(page.Locator("[data-testid=incidents] tbody tr").Last).ToContainTextAsync("INC-1");
        await Assertions.Expect(page.Locator("#older")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("index-last-page-1280.png"), FullPage = true });

        // Search by title, across open and closed, with the filters kept while paging.
        await page.SelectOptionAsync("#status-filter", "all");
        await page.FillAsync("#search", "checkout");
        await page.ClickAsync("#filter");
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("12");
        await Assertions.Expect(page.GetByTestId("page-of")).ToHaveCountAsync(0);

        await page.FillAsync("#search", "payments");
        await page.ClickAsync("#filter");
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("30");
        await page.ClickAsync("#older");
        await Assertions.Expect(page.GetByTestId("page-of")).ToHaveTextAsync("page 2 of 2");
        await Assertions.Expect(page.GetByTestId("showing")).ToHaveTextAsync("Showing 26–30 of 30, newest first.");
        Assert.Equal("payments", await page.InputValueAsync("#search"));

        await page.FillAsync("#search", "INC-7");
        await page.ClickAsync("#filter");
        await Assertions.Expect(page.Locator("[data-testid=incidents] tbody tr")).ToHaveCountAsync(1);

        // Filters: a status, a severity, a service, a day.
        await page.GotoAsync(bot.BaseUrl + "/?status=resolved&service=payments");
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("5");
        await page.GotoAsync(bot.BaseUrl + "/?status=open&severity=SEV1");
        await Assertions.Expect(page.Locator("[data-testid=incidents] tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("incidents")).ToContainTextAsync("Slow pages 1");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GotoAsync(bot.BaseUrl + $"/?status=all&to={yesterday}");
        await Assertions.Expect(page.GetByTestId("no-incidents")).ToHaveTextAsync("No incidents match.");
        await page.GotoAsync(bot.BaseUrl + $"/?status=all&from={yesterday}&to={today}");
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("120");
        await page.GotoAsync(bot.BaseUrl + "/?status=sleeping");
        await Assertions.Expect(page.GetByTestId("filter-problem")).ToContainTextAsync("Unknown status 'sleeping'");

        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(bot.BaseUrl + "/?status=all&page=2");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("index-page2-390.png"), FullPage = true });
        var (scrollWidth, innerWidth) = await WidthsAsync(page);
        Assert.True(scrollWidth <= innerWidth, $"the index at 390 px scrolls sideways: {scrollWidth} > {innerWidth}");
    }

    [SkippableFact]
    public async Task CommandBox_KeepsARefusedLine_AndWalksBackThroughHistory()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole());
        var page = await browser.NewPageAsync();
        await SignInAsync(page, bot, "alice");

        await RunAsync(page, "INC-99 note the cache is cold");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("INC-99 was not found");
        Assert.Equal("INC-99 note the cache is cold", await page.InputValueAsync("#command"));

        await page.FillAsync("#command", "declare sev3 Cache is cold");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("INC-1 declared");
        Assert.Equal(string.Empty, await page.InputValueAsync("#command"));

        await page.FocusAsync("#command");
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("declare sev3 Cache is cold", await page.InputValueAsync("#command"));
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("INC-99 note the cache is cold", await page.InputValueAsync("#command"));
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal(string.Empty, await page.InputValueAsync("#command"));
    }

    private static async Task SignInAsync(IPage page, KestrelBot bot, string name)
    {
        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", name);
        await page.ClickAsync("#set-name");
        await Assertions.Expect(page.GetByTestId("current-user")).ToHaveTextAsync(name);
    }

    private static async Task RunAsync(IPage page, string command)
    {
        await page.FillAsync("#command", command);
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("reply")).ToBeVisibleAsync();
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    private static Task<string> BackgroundAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    private static Task<string> ColorAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<string>("e => getComputedStyle(e).color");

    private static (int R, int G, int B) Rgb(string css)
    {
        var parts = css[(css.IndexOf('(', StringComparison.Ordinal) + 1)..css.IndexOf(')', StringComparison.Ordinal)].Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static double Luminance(string css)
    {
        var (r, g, b) = Rgb(css);
        return ((0.2126 * r) + (0.7152 * g) + (0.0722 * b)) / 255;
    }
}
