using IncidentBot.Core.Outbox;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Web;

/// <summary>A facilitator finds parked work from the navigation, retries one item and discards the other, in a real browser.</summary>
public class ParkedWorkBrowserTests
{
    [SkippableFact]
    public async Task Facilitator_RetriesOneParkedItem_AndDiscardsTheOther_UntilNothingIsParked()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var refusing = true;
        var chat = new RecordingExecutor
        {
            Behaviour = intent => intent is AnnounceIncident && Volatile.Read(ref refusing)
                ? throw new InvalidOperationException("Slack chat.postMessage failed: channel_not_found")
                : Task.CompletedTask,
        };
        await using var bot = await KestrelBot.StartAsync(
            new Dictionary<string, string?> { ["Web:Console:Open"] = "true", ["Outbox:MaxAttempts"] = "1", ["Reviews:Facilitators:0"] = "console:fran" },
            services: s => s.AddSingleton<IOutboxExecutor>(chat));
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "fran");
        await page.ClickAsync("#set-name");
        await page.FillAsync("#command", "declare sev2 Checkout errors spike");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("INC-1 declared");
        await page.FillAsync("#title", "Payroll export exposed");
        await page.CheckAsync("#isPrivate");
        await page.ClickAsync("#declare");
        await Assertions.Expect(page.GetByTestId("incident-title")).ToContainTextAsync("INC-2");

        // The announcements fail on the outbox worker after the declares: reload until both are parked.
        await page.ClickAsync("header >> text=Parked work");
        var rows = page.GetByTestId("parked").Locator("tbody tr");
        for (var i = 0; i < 50 && await rows.CountAsync() < 2; i++)
        {
            await Task.Delay(100);
            await page.ReloadAsync();
        }

        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToContainTextAsync("incident.announce");
        await Assertions.Expect(rows.First).ToContainTextAsync("INC-1");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("INC-2");
        await Assertions.Expect(rows.First).ToContainTextAsync("channel_not_found");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("parked-work.png"), FullPage = true });

        // Bob, in his own session, sees that something is parked but not what the private incident is, and no buttons.
        await using (var bobContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } }))
        {
            var bob = await bobContext.NewPageAsync();
            await bob.GotoAsync(bot.BaseUrl + "/?returnUrl=%2Fadmin%2Fwork");
            await bob.FillAsync("#name", "bob");
            await bob.ClickAsync("#set-name");
            var bobsRows = bob.GetByTestId("parked").Locator("tbody tr");
            await Assertions.Expect(bobsRows).ToHaveCountAsync(2);
            await Assertions.Expect(bobsRows.Nth(1)).ToContainTextAsync("private incident");
            await Assertions.Expect(bobsRows.Nth(1)).Not.ToContainTextAsync("channel_not_found");
            await Assertions.Expect(bob.Locator("body")).Not.ToContainTextAsync("INC-2");
            await Assertions.Expect(bob.GetByTestId("facilitators-only")).ToBeVisibleAsync();
            await Assertions.Expect(bob.Locator("[data-testid^=retry-]")).ToHaveCountAsync(0);
            await bob.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("parked-work-bob.png"), FullPage = true });
        }

        Volatile.Write(ref refusing, false);
        await rows.First.Locator("[data-testid^=retry-]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("is queued again with a fresh set of attempts");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        for (var i = 0; i < 50 && !chat.Ran.OfType<AnnounceIncident>().Any(); i++)
        {
            await Task.Delay(100);
        }

        Assert.Single(chat.Ran.OfType<AnnounceIncident>()); // the retried announcement ran on the worker

        await rows.First.Locator("[data-testid^=discard-]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("is discarded; it will not run");
        await Assertions.Expect(page.GetByTestId("nothing-parked")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("parked-work-empty.png"), FullPage = true });
    }
}
