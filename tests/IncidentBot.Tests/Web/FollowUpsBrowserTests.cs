using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Web;

/// <summary>The follow-ups list and the review health page in a real browser against the real host, at desktop and phone widths.</summary>
public class FollowUpsBrowserTests
{
    [SkippableTheory]
    [InlineData(1280, "desktop")]
    [InlineData(390, "phone")]
    public async Task FollowUps_CloseOneOnTheWeb_ThenTheHealthPageDrawsTheReviews(int width, string name)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole());
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "alice");
        await page.ClickAsync("#set-name");
        foreach (var command in new[]
        {
            "declare sev2 Checkout errors spike", "INC-1 impact-started 2h ago", "INC-1 action alert on the payment error rate @me",
            "INC-1 action write the config rollback runbook @me", "INC-1 action due 1 2020-01-15",
            "INC-1 action link 1 https://tracker.example.com/browse/OPS-7", "INC-1 resolve rolled back deploy 1432",
        })
        {
            await page.FillAsync("#command", command);
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("reply")).ToBeVisibleAsync();
        }

        await page.ClickAsync("header a[href='/followups']");
        var rows = page.GetByTestId("followup");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var first = page.Locator("[data-testid=followup][data-item='1']");
        await Assertions.Expect(first.GetByTestId("overdue")).ToBeVisibleAsync();
        await Assertions.Expect(first.Locator("a", new() { HasTextString = "ticket" })).ToHaveAttributeAsync("href", "https://tracker.example.com/browse/OPS-7");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"followups-{name}.png"), FullPage = true });

        await first.GetByTestId("mark-done").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("INC-1 follow-up #1 is done now");
        await Assertions.Expect(rows).ToHaveCountAsync(1); // the list shows open ones
        await page.SelectOptionAsync("select[name=status]", "all");
        await page.ClickAsync("[data-testid=followup-filters] button");
        await Assertions.Expect(page.Locator("[data-testid=followup][data-item='1'] [data-testid=status]")).ToHaveTextAsync("done");
        await Assertions.Expect(page.Locator("[data-testid=followup][data-item='1'] [data-testid=reopen]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"followups-closed-{name}.png"), FullPage = true });

        await page.ClickAsync("header a[href='/reviews/health']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Is it working?");
        await Assertions.Expect(page.Locator("[data-testid=sessions-chart] svg")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=followups-chart] svg rect")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=resolve-chart] svg circle")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("script[src]")).ToHaveCountAsync(0);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the health page is wider than the window");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"review-health-{name}.png"), FullPage = true });

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"review-health-{name}-dark.png"), FullPage = true });
        await page.GotoAsync(bot.BaseUrl + "/followups?status=all");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"followups-{name}-dark.png"), FullPage = true });
    }
}
