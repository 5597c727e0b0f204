using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Web;

/// <summary>Writing the review doc on its page, in a real browser against the real host, at desktop and phone widths.</summary>
public class ReviewDocBrowserTests
{
    [SkippableTheory]
    [InlineData(1200, "desktop")]
    [InlineData(390, "phone")]
    public async Task ReviewPage_PreviewAndSaveASection_ShowsItInTheDoc_WithWhoWroteIt(int width, string name)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole(("Reviews:Meeting:TimeZone", "Europe/Berlin")));
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "alice");
        await page.ClickAsync("#set-name");
        foreach (var command in new[]
        {
            "declare sev2 Checkout errors spike", "INC-1 role commander me", "INC-1 status identified bad deploy 1432",
            "INC-1 note payment provider returned 502s", "INC-1 status monitoring", "INC-1 resolve rolled back deploy 1432",
        })
        {
            await page.FillAsync("#command", command);
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("reply")).ToBeVisibleAsync();
        }

        // Mark the note a key moment on the incident's page: the star fills, and the doc's key timeline has it.
        await page.GotoAsync(bot.BaseUrl + "/incidents/1");
        var noteRow = page.Locator("tr", new() { HasTextString = "payment provider returned 502s" });
        await Assertions.Expect(noteRow.Locator("button[data-testid^=key-]")).ToHaveTextAsync("☆");
        await noteRow.Locator("button[data-testid^=key-]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("is a key moment");
        await Assertions.Expect(noteRow.Locator("button[data-testid^=key-]")).ToHaveTextAsync("★");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"incident-key-moment-{name}.png"), FullPage = true });

        await page.GotoAsync(bot.BaseUrl + "/incidents/1/review");
        await Assertions.Expect(page.GetByTestId("freshness")).ToContainTextAsync("the incident changed since"); // regenerated a minute after the last change
        await page.ClickAsync("#regenerate");
        var keyTimeline = page.Locator("xpath=//article[@data-testid='review-doc']//h2[normalize-space()='Key timeline']/following-sibling::table[1]");
        await Assertions.Expect(keyTimeline).ToContainTextAsync("payment provider returned 502s");
        var section = page.GetByTestId("section-contributing-factors");
        await section.Locator("textarea").FillAsync("- Deploy 1432 skipped the **canary** stage\n- Retries <script>x</script> amplified the load");
        await page.ClickAsync("[data-testid=preview-button-contributing-factors]");
        var preview = page.GetByTestId("preview-contributing-factors");
        await Assertions.Expect(preview.Locator("strong")).ToHaveTextAsync("canary");
        await Assertions.Expect(preview.Locator("script")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("review-doc")).Not.ToContainTextAsync("skipped the"); // a preview is not saved

        await page.ClickAsync("[data-testid=save-contributing-factors]");
        await Assertions.Expect(page.GetByTestId("reply")).ToContainTextAsync("Wrote \"Contributing factors\" in INC-1's review doc");
        var doc = page.GetByTestId("review-doc");
        await Assertions.Expect(doc.Locator("li strong", new() { HasTextString = "canary" })).ToHaveCountAsync(1);
        await Assertions.Expect(doc).ToContainTextAsync("Retries <script>x</script> amplified the load");
        await Assertions.Expect(doc).ToContainTextAsync("What helped us notice, respond or recover?");
        await Assertions.Expect(page.GetByTestId("writers-contributing-factors")).ToContainTextAsync("Written by alice");
        await Assertions.Expect(page.GetByTestId("freshness")).ToContainTextAsync("up to date with the timeline");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"review-write-{name}.png"), FullPage = true });
    }

    [SkippableTheory]
    [InlineData(1200, "desktop")]
    [InlineData(390, "phone")]
    public async Task ReviewPage_RecordsAMeetingNoteAndADecision_TheyLandInTheDoc(int width, string name)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var bot = await KestrelBot.StartAsync(ConsoleBrowserTests.OpenConsole(("Reviews:Meeting:TimeZone", "Europe/Berlin"), ("Reviews:Facilitators:0", "console:fran")));
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.GotoAsync(bot.BaseUrl + "/");
        await page.FillAsync("#name", "fran");
        await page.ClickAsync("#set-name");
        foreach (var command in new[] { "declare sev2 Checkout errors spike", "INC-1 resolve rolled back deploy 1432" })
        {
            await page.FillAsync("#command", command);
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("reply")).ToBeVisibleAsync();
        }

        await page.GotoAsync(bot.BaseUrl + "/incidents/1/review");
        var notes = page.GetByTestId("meeting-notes");
        await notes.GetByTestId("note-text").FillAsync("The canary did not cover config pushes.");
        await notes.GetByTestId("record-note").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToHaveTextAsync("Note recorded in INC-1's review doc (1 so far).");

        await notes.GetByTestId("note-text").FillAsync("Config pushes go through the canary.");
        await notes.GetByTestId("note-decision").CheckAsync();
        await notes.GetByTestId("record-note").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reply")).ToHaveTextAsync("Decision recorded in INC-1's review doc (2 so far).");

        await Assertions.Expect(notes.GetByTestId("notes").Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(notes.GetByTestId("notes").Locator("li").Nth(1)).ToContainTextAsync("Decision: Config pushes go through the canary. (fran,");
        var meetingNotes = page.Locator("xpath=//article[@data-testid='review-doc']//h2[normalize-space()='Meeting notes']/following-sibling::ul[1]");
        await Assertions.Expect(meetingNotes.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(meetingNotes.Locator("li").Nth(0)).ToContainTextAsync("The canary did not cover config pushes.");
        await Assertions.Expect(meetingNotes.Locator("li strong")).ToHaveTextAsync("Decision:");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"review-meeting-notes-{name}.png"), FullPage = true });
    }
}
