using Microsoft.Playwright;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Headless Debian Chromium driven by Playwright (its own browser download cannot work here). Missing Chromium
/// skips the test on a developer's machine and fails it under CI=true.
/// </summary>
public static class Browser
{
    public const string ChromiumVariable = "INCIDENTBOT_TEST_CHROMIUM";

    public static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var chromium = FindChromium();
        TestDatabases.Require(chromium is not null, $"Chromium (install Debian's 'chromium' or set {ChromiumVariable})");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    /// <summary>Where screenshots go: <c>INCIDENTBOT_SCREENSHOTS</c>, else a folder beside the test binaries.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("INCIDENTBOT_SCREENSHOTS") is { Length: > 0 } s ? s : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
