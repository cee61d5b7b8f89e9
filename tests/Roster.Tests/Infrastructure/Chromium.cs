using Microsoft.Playwright;

namespace Roster.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (never Playwright's own download, which cannot be fetched here).</summary>
public sealed class Chromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";
    private readonly IPlaywright playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException("Debian's chromium is needed for the browser tests; .ci/run installs it.");
        // Two shared cores run the suite in parallel; give the page's assertions room before calling a slow page wrong.
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new Chromium(playwright, browser);
    }

    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the login form by its accessible names, as a person or a screen reader would.</summary>
    public static async Task SignInAsync(IPage page, string identifier, string password)
    {
        await page.GotoAsync("/login");
        await SubmitSignInAsync(page, identifier, password);
    }

    /// <summary>Fills in and sends the login form the page shows (an app sent the browser there).</summary>
    public static async Task SubmitSignInAsync(IPage page, string identifier, string password)
    {
        await page.GetByLabel("Email or username").FillAsync(identifier);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
