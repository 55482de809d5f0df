using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Analysis;

namespace Spark.Tests.Web;

/// <summary>One Spark host and one local chat-completions stub for the narrative's tests.</summary>
public sealed class NarrativeFixture : IAsyncLifetime
{
    public ChatCompletionsStub Stub { get; private set; } = default!;

    public WebAppFixture Web { get; } = new(new Dictionary<string, string?>
    {
        ["Spark:Analysis:Narrative:ApiKey"] = "narrative-test-key",
        // Long enough for the first request of a busy test run (a 2 s limit once expired before the stub saw anything:
        // connection and the client's first call under load), short against the slow stub's 60 s.
        ["Spark:Analysis:Narrative:TimeoutSeconds"] = "6",
    });

    public async Task InitializeAsync()
    {
        Stub = await ChatCompletionsStub.StartAsync();
        await Web.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await Stub.DisposeAsync();
    }
}

/// <summary>
/// The optional narrative (decision 0063) over real HTTP against a local OpenAI-compatible stub: off by default with no
/// request, an accepted reply in the API and cached per analysis, a reply with an invented number discarded, a 500 and a
/// timeout degrading to none, and the admin's settings validated and audited.
/// </summary>
public sealed class NarrativeApiTests(NarrativeFixture fixture) : IClassFixture<NarrativeFixture>
{
    private WebAppFixture Web => fixture.Web;

    private ChatCompletionsStub Stub => fixture.Stub;

    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(Web.Database, role: role);
        var api = new ApiClient(Web.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private async Task<ApiClient> NarrativeOnAsync()
    {
        Stub.Reset();
        using var admin = await SignedInAsync(Roles.Admin);
        var (status, body) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings",
            new { narrative = new { enabled = true, endpoint = Stub.BaseUrl, model = "stub-model" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["narrative"]!["enabled"]!.GetValue<bool>());
        return await SignedInAsync();
    }

    /// <summary>The value the prompt gave for a fact, as written there ("- RSI 14: 100.0" → "100.0").</summary>
    private static string Fact(string prompt, string label) =>
        Regex.Match(prompt, "^- " + Regex.Escape(label) + ": (.+)$", RegexOptions.Multiline).Groups[1].Value;

    [Fact]
    public async Task The_narrative_is_off_by_default_and_no_request_is_made()
    {
        Stub.Reset();
        await Web.Database.OwnerExecuteAsync("DELETE FROM app_settings WHERE key = $1", AnalysisSettings.NarrativeKey);
        using var api = await SignedInAsync();
        using var admin = await SignedInAsync(Roles.Admin);
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        var (status, body) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!.AsObject().ContainsKey("narrative"));
        Assert.Null(body["narrative"]);
        Assert.Equal(0, Stub.Requests);
        var (_, settings) = await admin.GetAsync("admin/analysis/settings");
        Assert.False(settings!["narrative"]!["enabled"]!.GetValue<bool>());
        Assert.Null(settings["narrative"]!["endpoint"]);
    }

    [Fact]
    public async Task The_portfolio_insight_gets_a_narrative_of_its_own_figures_cached_in_the_investors_row_and_an_invented_number_is_dropped()
    {
        // An investor holding 10 shares bought 60 days ago at ₹100: the insight's "Money put in" is ₹1,000.00 and the
        // holding is 100 % of the holdings' value.
        using var _ = await NarrativeOnAsync();
        var user = await TestData.UserAsync(Web.Database);
        var security = await TestData.NewSecurityAsync(Web.Database);
        var today = Web.Clock.Today;
        await Web.App.Services.GetRequiredService<Spark.Web.Services.Market.MarketDataService>()
            .WriteDailyAsync([new Spark.Web.Services.Market.DayBar(security.Id, today.AddDays(-1), 120m, 121m, 119m, 120m, 100)], publish: false);
        using (var scope = Web.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Portfolio.LedgerService>().CreateAsync(user.Id,
                new Spark.Core.Portfolio.TransactionDraft(security.Symbol, Spark.Core.Portfolio.TransactionType.Buy, 10m, 100m, null, 0m, 0m, 0m, today.AddDays(-60), "manual"));
        }

        using var api = new ApiClient(Web.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        Stub.Reply = prompt => $"You put in {Fact(prompt, "Money put in")}, and {security.Symbol} is "
            + $"{Fact(prompt, $"Largest holding weight ({security.Symbol})")} of your holdings.";
        var (status, body) = await api.GetAsync("analysis/portfolio");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("You put in ₹1000.00, and " + security.Symbol + " is 100.0 % of your holdings.", body!["narrative"]!.GetValue<string>());
        Assert.Contains("Subject: the investor's portfolio", Stub.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("accepted", await Web.Database.OwnerScalarAsync<string>(
            "SELECT predictions #>> '{narrative,status}' FROM ai_analyses WHERE user_id = $1 AND analysis_type = 'portfolio_insight'", user.Id));

        // A new insight (a new transaction) asks again; a reply citing a number Spark did not compute is dropped.
        using (var scope = Web.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Portfolio.LedgerService>().CreateAsync(user.Id,
                new Spark.Core.Portfolio.TransactionDraft(security.Symbol, Spark.Core.Portfolio.TransactionType.Buy, 10m, 110m, null, 0m, 0m, 0m, today.AddDays(-30), "manual"));
        }
        Stub.Reply = _ => "Your portfolio should return 14.7 % next year.";
        var (_, again) = await api.GetAsync("analysis/portfolio");
        Assert.Null(again!["narrative"]);
        Assert.Equal(2, Stub.Requests);
    }

    [Fact]
    public async Task An_accepted_reply_is_in_the_API_and_asked_for_once_per_analysis()
    {
        using var api = await NarrativeOnAsync();
        Stub.Reply = prompt => $"The last close was {Fact(prompt, "Last close")} and the RSI 14 stands at {Fact(prompt, "RSI 14")}, "
            + $"with a health score of {Fact(prompt, "Health score out of 100 (trend and momentum, higher is stronger)")} out of 100.";
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        var (status, body) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal(HttpStatusCode.OK, status);
        var narrative = body!["narrative"]?.GetValue<string>();
        Assert.NotNull(narrative);
        Assert.StartsWith("The last close was ₹", narrative, StringComparison.Ordinal);
        Assert.Contains("RSI 14 stands at 100.0", narrative, StringComparison.Ordinal);

        // The prompt held Spark's figures and the instructions, and nothing of the recommendation.
        var request = Stub.LastRequest!;
        Assert.Equal("stub-model", request["model"]!.GetValue<string>());
        Assert.Equal("Bearer narrative-test-key", Stub.LastAuthorization);
        var messages = request["messages"]!.AsArray();
        Assert.Contains("Give no advice", messages[0]!["content"]!.ToString(), StringComparison.Ordinal);
        var prompt = messages[^1]!["content"]!.ToString();
        Assert.Contains($"Subject: {s.Name} ({s.Symbol})", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("buy", prompt, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("target", prompt, StringComparison.OrdinalIgnoreCase);

        // Cached with the analysis: a second read asks nothing.
        var (_, again) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal(narrative, again!["narrative"]!.GetValue<string>());
        Assert.Equal(1, Stub.Requests);
        Assert.Equal("accepted", await Web.Database.OwnerScalarAsync<string>(
            "SELECT predictions #>> '{narrative,status}' FROM ai_analyses WHERE security_id = $1 AND analysis_type = 'investment_analysis'", s.Id));
    }

    [Fact]
    public async Task A_reply_citing_a_number_Spark_did_not_compute_is_discarded_logged_and_counted()
    {
        using var api = await NarrativeOnAsync();
        var rejected = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "spark.analysis.narratives") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "rejected" }) Interlocked.Add(ref rejected, value);
            }
        });
        listener.Start();
        Stub.Reply = prompt => $"The RSI 14 is {Fact(prompt, "RSI 14")}, and the price could reach ₹9,999.99 by March.";
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        var (status, body) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body!["narrative"]);
        Assert.Equal(1, Stub.Requests);
        Assert.True(Interlocked.Read(ref rejected) >= 1);
        Assert.Equal("rejected", await Web.Database.OwnerScalarAsync<string>(
            "SELECT predictions #>> '{narrative,status}' FROM ai_analyses WHERE security_id = $1 AND analysis_type = 'investment_analysis'", s.Id));
        Assert.Equal("₹9,999.99", await Web.Database.OwnerScalarAsync<string>(
            "SELECT predictions #>> '{narrative,unmatched,0}' FROM ai_analyses WHERE security_id = $1 AND analysis_type = 'investment_analysis'", s.Id));

        // The verdict is final for this analysis: no second request, still nothing shown.
        var (_, again) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Null(again!["narrative"]);
        Assert.Equal(1, Stub.Requests);
    }

    [Fact]
    public async Task An_endpoint_error_or_a_timeout_degrades_to_no_narrative()
    {
        using var api = await NarrativeOnAsync();
        Stub.FailWith = 500;
        var failing = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        var (status, body) = await api.GetAsync($"securities/{failing.Symbol}/analysis");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body!["narrative"]);
        // One try (no retries), and not again within the retry interval.
        Assert.Equal(1, Stub.Requests);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"securities/{failing.Symbol}/analysis")).Status);
        Assert.Equal(1, Stub.Requests);

        Stub.FailWith = null;
        Stub.Delay = TimeSpan.FromSeconds(60);
        var slow = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        var watch = Stopwatch.StartNew();
        var (slowStatus, slowBody) = await api.GetAsync($"securities/{slow.Symbol}/analysis");
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, slowStatus);
        Assert.Null(slowBody!["narrative"]);
        // The configured 6 s timeout, not the stub's 60 s.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"took {watch.Elapsed}");
        Assert.Equal("failed", await Web.Database.OwnerScalarAsync<string>(
            "SELECT predictions #>> '{narrative,status}' FROM ai_analyses WHERE security_id = $1 AND analysis_type = 'investment_analysis'", slow.Id));

        // After the retry interval the same analysis asks again.
        Stub.Delay = TimeSpan.Zero;
        Stub.Reply = _ => "The figures are listed above.";
        Web.Clock.Advance(TimeSpan.FromMinutes(16));
        // Past the access token's 15 minutes: sign in again.
        using var later = await SignedInAsync();
        var (_, retried) = await later.GetAsync($"securities/{failing.Symbol}/analysis");
        Assert.Equal("The figures are listed above.", retried!["narrative"]?.GetValue<string>());
        Assert.Equal(3, Stub.Requests);
    }

    [Fact]
    public async Task The_admin_settings_are_validated_by_field_audited_and_never_show_the_key()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var investor = await SignedInAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await investor.SendAsync(HttpMethod.Put, "admin/analysis/settings",
            new { narrative = new { enabled = false } })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await investor.GetAsync("admin/analysis/settings")).Status);

        foreach (var (endpoint, model, field) in new (string?, string?, string)[]
        {
            ("ftp://models.example/v1", "m", "narrative.endpoint"),
            ("not a url", "m", "narrative.endpoint"),
            ("/v1", "m", "narrative.endpoint"),
            ("http://user:secret@models.example/v1", "m", "narrative.endpoint"),
            ("https://models.example/v1?key=secret", "m", "narrative.endpoint"),
            (null, "m", "narrative.endpoint"),
            ("https://models.example/v1", null, "narrative.model"),
            ("https://models.example/v1", "two words", "narrative.model"),
            ("https://models.example/" + new string('a', 600), "m", "narrative.endpoint"),
        })
        {
            var (status, problem) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings",
                new { narrative = new { enabled = true, endpoint, model } });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.NotNull(problem!["errors"]![field]);
        }

        var (noSwitch, noSwitchProblem) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { narrative = new { endpoint = "https://models.example/v1" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noSwitch);
        Assert.NotNull(noSwitchProblem!["errors"]!["narrative.enabled"]);
        var (empty, emptyProblem) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.NotNull(emptyProblem!["errors"]!["recommendationsEnabled"]);

        var before = await Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE action = 'analysis_settings_changed' AND changes->>'key' = 'analysis.narrative'");
        var (ok, body) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings",
            new { narrative = new { enabled = false, endpoint = " https://models.example/v1 ", model = "llama3.1:8b" } });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("https://models.example/v1", body!["narrative"]!["endpoint"]!.GetValue<string>());
        Assert.True(body["narrative"]!["apiKeyConfigured"]!.GetValue<bool>());
        // Recommendations were not part of the request and stay as they were.
        Assert.True(body["recommendationsEnabled"]!.GetValue<bool>());
        var (_, read) = await admin.GetAsync("admin/analysis/settings");
        Assert.Equal("llama3.1:8b", read!["narrative"]!["model"]!.GetValue<string>());
        Assert.DoesNotContain("narrative-test-key", read.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(before + 1, await Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE action = 'analysis_settings_changed' AND changes->>'key' = 'analysis.narrative'"));
        Assert.Equal(0L, await Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM app_settings WHERE value::text LIKE '%narrative-test-key%'"));
    }

    [Fact]
    public async Task The_service_returns_the_cached_narrative_for_the_same_analysis_and_asks_again_for_a_newer_one()
    {
        using var api = await NarrativeOnAsync();
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(Web, 300, Web.Clock.Today.AddDays(-1));
        Stub.Reply = _ => "First.";
        Assert.Equal("First.", (await api.GetAsync($"securities/{s.Symbol}/analysis")).Body!["narrative"]!.GetValue<string>());
        // A newer analysis (the nightly job's refresh) is another slot: one new request, one new narrative.
        Stub.Reply = _ => "Second.";
        using (var scope = Web.App.Services.CreateScope())
        {
            var analyses = scope.ServiceProvider.GetRequiredService<SecurityAnalysisService>();
            var fresh = await analyses.RefreshAsync(s);
            Assert.Equal("Second.", await scope.ServiceProvider.GetRequiredService<NarrativeService>().ForSecurityAsync(fresh!));
        }

        Assert.Equal(2, Stub.Requests);
        Assert.Equal("Second.", (await api.GetAsync($"securities/{s.Symbol}/analysis")).Body!["narrative"]!.GetValue<string>());
        Assert.Equal(2, Stub.Requests);
    }
}
