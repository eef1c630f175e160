using Microsoft.Playwright;

namespace NetworkTwin.Central.Tests.Dashboard;

/// <summary>
/// Debian's chromium driven by Playwright (the driver from its NuGet package; the browser is the system's, never
/// a download), for the dashboard tests that click: a page, its dialogs answered, screenshots as test artifacts.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    private static readonly string[] Flags = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page) => (_playwright, _browser, Page) = (playwright, browser, page);

    public IPage Page { get; }

    /// <summary>Opens <paramref name="address"/> and answers every prompt with <paramref name="promptAnswer"/>.</summary>
    public static async Task<DashboardBrowser> OpenAsync(Uri address, string promptAnswer)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = Flags });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(promptAnswer);
        await page.GotoAsync(address.ToString());
        return new DashboardBrowser(playwright, browser, page);
    }

    /// <summary>A full-page screenshot beside the test binaries.</summary>
    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, name), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
