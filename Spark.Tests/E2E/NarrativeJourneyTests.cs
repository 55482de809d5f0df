using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Tests.Web;
using Spark.Web.Services.Analysis;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// The optional narrative on the security page (decision 0063): with the admin's endpoint pointing at a local stub, the
/// Analysis card shows the checked narrative under its label. The narrative is switched off again afterwards, so the other
/// journeys on this shared host see Spark as it ships.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class NarrativeJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_analysis_card_shows_the_checked_narrative_under_its_label()
    {
        await using var stub = await ChatCompletionsStub.StartAsync();
        stub.Reply = prompt => System.Text.RegularExpressions.Regex.Match(prompt, "^- RSI 14: (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline) is { Success: true } m
            ? $"The RSI 14 reads {m.Groups[1].Value}, a reading of steady buying over recent sessions."
            : "The figures are listed above.";
        var admin = await TestData.UserAsync(browser.Web.Database, "Narrative Admin", Roles.Admin);
        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(admin.Email!, TestData.Password)).Status);
        var (on, _) = await api.SendAsync(HttpMethod.Put, "admin/analysis/settings",
            new { narrative = new { enabled = true, endpoint = stub.BaseUrl, model = "stub-model" } });
        Assert.Equal(HttpStatusCode.OK, on);
        try
        {
            var security = await SecurityAnalysisApiTests.SecurityWithBarsAsync(browser.Web, 300, browser.Web.Clock.Today.AddDays(-1));
            var investor = await TestData.UserAsync(browser.Web.Database, "Nirmala Rao");
            var page = await browser.NewPageAsync();
            await Pages.SignInAsync(page, investor.Email!, TestData.Password);
            await Pages.WaitUntilInteractiveAsync(page);
            await page.GotoAsync($"market/{security.Symbol}");
            await Pages.WaitUntilInteractiveAsync(page);
            var card = page.GetByTestId("analysis-card");
            await Expect(card.GetByTestId("analysis-health")).ToContainTextAsync("/ 100");
            await Expect(card.GetByTestId("analysis-narrative-text")).ToContainTextAsync("The RSI 14 reads 100.0");
            await Expect(card.GetByTestId("analysis-narrative-label")).ToContainTextAsync("every number in it was checked");
            await Expect(card.GetByTestId("analysis-disclaimer")).ToContainTextAsync("SEBI");
            Assert.Equal(1, stub.Requests);
            await Pages.SnapshotAsync(page, "analysis-narrative");
        }
        finally
        {
            await api.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { narrative = new { enabled = false } });
        }
    }

    [Fact]
    public async Task The_admin_turns_the_narrative_on_in_the_back_office_after_a_field_error_for_a_bad_url()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Narrative Settings Admin", Roles.Admin);
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, admin.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("admin");
        await Pages.WaitUntilInteractiveAsync(page);
        var card = page.GetByTestId("analysis-settings");
        await Expect(card.GetByTestId("analysis-narrative-key")).ToContainTextAsync("API key: not configured");
        try
        {
            await card.GetByLabel("Write a short narrative of each analysis through an OpenAI-compatible endpoint").CheckAsync();
            await card.GetByLabel("Endpoint URL").FillAsync("ftp://models.example/v1");
            await card.GetByLabel("Model").FillAsync("llama3.1:8b");
            await card.GetByTestId("analysis-narrative-save").ClickAsync();
            await Expect(card).ToContainTextAsync("Use an absolute http or https URL");
            await card.GetByLabel("Endpoint URL").FillAsync("http://127.0.0.1:9/v1");
            await card.GetByTestId("analysis-narrative-save").ClickAsync();
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("The narrative is on.");
            await Pages.SnapshotAsync(page, "admin-analysis-narrative");
            await using var scope = browser.Web.App.Services.CreateAsyncScope();
            var stored = await scope.ServiceProvider.GetRequiredService<AnalysisSettings>().NarrativeAsync();
            Assert.Equal(new NarrativeSettings(true, "http://127.0.0.1:9/v1", "llama3.1:8b"), stored);
        }
        finally
        {
            await using var scope = browser.Web.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AnalysisSettings>().SetNarrativeAsync(NarrativeSettings.Off, admin.Id);
        }
    }
}
