using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.AutoInvest;
using Spark.Core.Platforms;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>The jobs API with the scheduler running (its own database and host): list, run now, pause, resume and who may do what.</summary>
public sealed class AdminJobsApiTests(AdminJobsApiTests.JobsFixture fixture) : IClassFixture<AdminJobsApiTests.JobsFixture>
{
    /// <summary>A host with Quartz on (Spark:Jobs:Enabled), unlike every other test host.</summary>
    public sealed class JobsFixture : IAsyncLifetime
    {
        public WebAppFixture Web { get; } = new(new Dictionary<string, string?> { ["Spark:Jobs:Enabled"] = "true" });

        public Task InitializeAsync() => Web.InitializeAsync();

        public Task DisposeAsync() => Web.DisposeAsync();
    }

    private const string Retention = "housekeeping/job-run-retention";

    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Web.Database, $"Jobs {role}", role);
        var api = new ApiClient(fixture.Web.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    private static async Task<List<JsonNode>> TriggersAsync(ApiClient api, string job)
    {
        var (status, page) = await api.GetAsync("admin/jobs?pageSize=100");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(page!["schedulerRunning"]!.GetValue<bool>());
        return [.. page["items"]!.AsArray().Select(i => i!).Where(i => $"{i["jobGroup"]}/{i["jobName"]}" == job)];
    }

    private Task<long> RunsAsync(string name) =>
        fixture.Web.Database.OwnerScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job_group = 'housekeeping' AND job_name = $1", name);

    [Fact]
    public async Task Staff_see_every_trigger_with_its_schedule_state_fire_times_and_the_jobs_last_result_and_failures()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var now = fixture.Web.Clock.GetUtcNow();
        var recorder = fixture.Web.App.Services.GetRequiredService<Spark.Web.Jobs.JobRunRecorder>();
        // day-close runs at 15:30 IST on weekdays of the real clock: these three runs are its whole history here.
        await recorder.RecordAsync(new("orders", "day-close", "DEFAULT", "x", null, null, now.AddHours(-30), now.AddHours(-30), 5, "failed", "old"));
        await recorder.RecordAsync(new("orders", "day-close", "DEFAULT", "x", null, null, now.AddHours(-2), now.AddHours(-2), 10, "failed",
            new string('x', 2000)));
        await recorder.RecordAsync(new("orders", "day-close", "orders", "day-close-1530-ist", null, null, now.AddHours(-1), now.AddHours(-1).AddSeconds(3),
            3000, "succeeded", null));

        var dayClose = Assert.Single(await TriggersAsync(support, "orders/day-close"));
        var all = (await support.GetAsync("admin/jobs?pageSize=100")).Body!;

        Assert.Equal("day-close-1530-ist", dayClose["triggerName"]!.GetValue<string>());
        Assert.Equal("Mon–Fri at 15:30 (India)", dayClose["schedule"]!.GetValue<string>());
        Assert.Equal("0 30 15 ? * MON-FRI", dayClose["cron"]!.GetValue<string>());
        Assert.Equal("normal", dayClose["state"]!.GetValue<string>());
        Assert.NotNull(dayClose["nextFireUtc"]);
        Assert.Equal("succeeded", dayClose["lastRun"]!["outcome"]!.GetValue<string>());
        Assert.Equal(3000, dayClose["lastRun"]!["durationMs"]!.GetValue<long>());
        Assert.Equal(1, dayClose["failuresLast24Hours"]!.GetValue<int>());
        var longError = await fixture.Web.Database.OwnerScalarAsync<int>(
            "SELECT max(length(error_message)) FROM job_runs WHERE job_name = 'day-close'");
        Assert.Equal(Spark.Web.Jobs.JobRunRecorder.MaxErrorLength, longError);
        Assert.Contains(all["items"]!.AsArray(), i => i!["schedule"]!.GetValue<string>() == "every 5 minutes");
        Assert.True(all["total"]!.GetValue<int>() >= 8);
    }

    [Fact]
    public async Task An_admin_runs_a_job_now_pauses_and_resumes_it_and_each_is_audited()
    {
        var (admin, api) = await SignedInAsync(Roles.Admin);
        using var _ = api;
        var before = await RunsAsync("job-run-retention");

        var (ran, _) = await api.PostAsync($"admin/jobs/{Retention}/run", new { reason = "Check retention after the migration" });
        // The run happens on the scheduler's thread: wait for its row, at most 30 s.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await RunsAsync("job-run-retention") == before && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        var after = await RunsAsync("job-run-retention");

        var (paused, _) = await api.PostAsync($"admin/jobs/{Retention}/pause", new { reason = "Investigating" });
        var whilePaused = Assert.Single(await TriggersAsync(api, Retention));
        var (pausedAgain, pausedProblem) = await api.PostAsync($"admin/jobs/{Retention}/pause", new { reason = "Again" });
        var (resumed, _) = await api.PostAsync($"admin/jobs/{Retention}/resume", new { reason = "Done" });
        var afterResume = Assert.Single(await TriggersAsync(api, Retention));
        var (resumedAgain, resumedProblem) = await api.PostAsync($"admin/jobs/{Retention}/resume", new { });

        Assert.Equal(HttpStatusCode.Accepted, ran);
        Assert.Equal(before + 1, after);
        Assert.Equal("succeeded", await fixture.Web.Database.OwnerScalarAsync<string>(
            "SELECT outcome FROM job_runs WHERE job_name = 'job-run-retention' ORDER BY id DESC LIMIT 1"));
        Assert.Equal(HttpStatusCode.NoContent, paused);
        Assert.Equal("paused", whilePaused["state"]!.GetValue<string>());
        Assert.Equal("Investigating", whilePaused["pauseReason"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pausedAgain);
        Assert.Contains("already paused", pausedProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, resumed);
        Assert.Equal("normal", afterResume["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, resumedAgain);
        Assert.Contains("not paused", resumedProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var audited = await fixture.Web.Database.OwnerScalarAsync<string[]>(
            "SELECT array_agg(action || ':' || coalesce(changes->>'reason', '') ORDER BY created_at, action) FROM audit_logs WHERE user_id = $1 AND entity_type = 'job'",
            admin.Id);
        Assert.Equal(["job_paused:Investigating", "job_resumed:Done", "job_run_requested:Check retention after the migration"], audited.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Support_reads_the_jobs_but_is_refused_run_pause_and_resume_and_investors_are_refused_everything()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var (_, investor) = await SignedInAsync(Roles.Investor);
        using var __ = investor;
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var ___ = admin;
        var runsBefore = await RunsAsync("idempotency-cleanup");

        var (read, _) = await support.GetAsync("admin/jobs");
        var refused = new[]
        {
            await support.PostAsync("admin/jobs/housekeeping/idempotency-cleanup/run", new { reason = "try" }),
            await support.PostAsync("admin/jobs/housekeeping/idempotency-cleanup/pause", new { reason = "try" }),
            await support.PostAsync("admin/jobs/housekeeping/idempotency-cleanup/resume", new { reason = "try" }),
        };
        var (investorRead, _) = await investor.GetAsync("admin/jobs");
        var (investorRun, _) = await investor.PostAsync("admin/jobs/housekeeping/idempotency-cleanup/run", new { });
        var (unknown, unknownProblem) = await admin.PostAsync("admin/jobs/housekeeping/no-such-job/run", new { });
        var (unknownPause, _) = await admin.PostAsync("admin/jobs/nowhere/nothing/pause", new { });
        var state = Assert.Single(await TriggersAsync(admin, "housekeeping/idempotency-cleanup"));

        Assert.Equal(HttpStatusCode.OK, read);
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.Status);
            Assert.Contains("only an admin", r.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Equal("normal", state["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, investorRead);
        Assert.Equal(HttpStatusCode.Forbidden, investorRun);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("There is no such job.", unknownProblem!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknownPause);
        Assert.Equal(0, await fixture.Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE entity_type = 'job' AND changes->>'job' = 'housekeeping.idempotency-cleanup'"));
        Assert.True(await RunsAsync("idempotency-cleanup") >= runsBefore);
    }

    /// <summary>A job that always throws, to see the listener record a failure from a real run.</summary>
    public sealed class FailingJob : Quartz.IJob
    {
        public ValueTask Execute(Quartz.IJobExecutionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The broker's file was empty. " + new string('z', 1500));
    }

    [Fact]
    public async Task A_job_that_throws_is_recorded_as_failed_with_its_message_cut_and_counted_in_the_list()
    {
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var _ = admin;
        var name = "failing-" + Guid.NewGuid().ToString("N")[..8];
        var scheduler = await fixture.Web.App.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var job = Quartz.JobBuilder.Create<FailingJob>().WithIdentity(name, "test").StoreDurably().Build();
        // A trigger far in the future, so only "run now" fires it.
        var trigger = Quartz.TriggerBuilder.Create().WithIdentity(name, "test").ForJob(job).StartAt(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)).Build();
        await scheduler.ScheduleJob(job, trigger);

        var (ran, _) = await admin.PostAsync($"admin/jobs/test/{name}/run", new { reason = "Reproduce the failure" });
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await fixture.Web.Database.OwnerScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job_name = $1", name) == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }
        // The job's own trigger: "run now" adds a one-off trigger that Quartz may still list for a moment after the run
        // is recorded (on a loaded machine it did, and the job showed two rows).
        var row = Assert.Single(await TriggersAsync(admin, $"test/{name}"), t => t["triggerName"]!.GetValue<string>() == name);
        var (tooLong, _) = await admin.PostAsync($"admin/jobs/test/{name}/pause", new { reason = new string('r', 501) });
        await scheduler.DeleteJob(job.Key);

        Assert.Equal(HttpStatusCode.Accepted, ran);
        Assert.Equal("failed", row["lastRun"]!["outcome"]!.GetValue<string>());
        var error = row["lastRun"]!["errorMessage"]!.GetValue<string>();
        Assert.StartsWith("The broker's file was empty.", error, StringComparison.Ordinal);
        Assert.Equal(Spark.Web.Jobs.JobRunRecorder.MaxErrorLength, error.Length);
        Assert.Equal(1, row["failuresLast24Hours"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
    }

    [Fact]
    public async Task The_retention_job_forgets_runs_older_than_30_days()
    {
        var now = fixture.Web.Clock.GetUtcNow();
        var recorder = fixture.Web.App.Services.GetRequiredService<Spark.Web.Jobs.JobRunRecorder>();
        var name = "retention-" + Guid.NewGuid().ToString("N")[..8];
        await recorder.RecordAsync(new("test", name, "test", "t", null, null, now.AddDays(-31), now.AddDays(-31), 1, "succeeded", null));
        await recorder.RecordAsync(new("test", name, "test", "t", null, null, now.AddDays(-29), now.AddDays(-29), 1, "succeeded", null));

        await using (var scope = fixture.Web.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Jobs.JobRunRetentionJob>().RunAsync();
        }

        Assert.Equal(1, await fixture.Web.Database.OwnerScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job_name = $1", name));
    }
}

/// <summary>Broker sync health, the plans overview, and support's read-only access to KYC, strategies and running plans, over real HTTP.</summary>
public sealed class AdminOpsApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, $"Ops {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    private static int Count(JsonNode health, string platform, string status) =>
        health["connections"]!.AsArray().Where(c => c!["platform"]!.GetValue<string>() == platform && c["status"]!.GetValue<string>() == status)
            .Sum(c => c!["count"]!.GetValue<int>());

    private static int Failed(JsonNode health, string platform) =>
        health["platforms"]!.AsArray().Where(p => p!["platform"]!.GetValue<string>() == platform).Sum(p => p!["failedLast24Hours"]!.GetValue<int>());

    [Fact]
    public async Task Sync_health_counts_connections_and_the_last_days_failures_shows_the_latest_errors_and_never_a_secret()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var now = fixture.Clock.GetUtcNow();
        var before = (await support.GetAsync("admin/sync-health")).Body!;
        var investor = await TestData.UserAsync(fixture.Database, "Sync Failer");
        var secret = "SECRET-" + Guid.NewGuid().ToString("N");
        var connection = await TestData.SaveAsync(fixture.Database, investor.Id, new PlatformConnection
        {
            UserId = investor.Id, Platform = PlatformNames.Upstox, Status = ConnectionStatus.Error, ApiKey = secret, ApiSecret = secret,
            LastError = "The broker refused the token.",
        });
        var tag = Guid.NewGuid().ToString("N")[..8];
        foreach (var (hoursAgo, outcome, error) in new[] { (30, SyncStatus.Failed, $"old {tag}"), (2, SyncStatus.Failed, $"first {tag}"),
                     (1, SyncStatus.Failed, $"latest {tag}"), (0, SyncStatus.Completed, (string?)null) })
        {
            await TestData.SaveAsync(fixture.Database, investor.Id, new SyncLog
            {
                ConnectionId = connection.Id, SyncType = SyncType.Scheduled, Status = outcome, ErrorMessage = error,
                StartedAt = now.AddHours(-hoursAgo), CompletedAt = now.AddHours(-hoursAgo).AddSeconds(5), CreatedAt = now.AddHours(-hoursAgo),
            });
        }

        var (status, after) = await support.GetAsync("admin/sync-health");
        var text = ApiClient.Json(after);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Count(before, "upstox", "error") + 1, Count(after!, "upstox", "error"));
        Assert.Equal(Failed(before, "upstox") + 2, Failed(after!, "upstox"));
        var upstox = after!["platforms"]!.AsArray().Single(p => p!["platform"]!.GetValue<string>() == "upstox")!;
        Assert.Equal($"latest {tag}", upstox["lastError"]!.GetValue<string>());
        var recent = after["recentFailures"]!.AsArray().Where(f => f!["email"]!.GetValue<string>() == investor.Email).ToList();
        Assert.Equal([$"latest {tag}", $"first {tag}", $"old {tag}"], recent.Select(f => f!["error"]!.GetValue<string>()));
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plans_overview_counts_plans_and_executions_and_lists_failures_with_their_reason_paged_and_filtered()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var investor = await TestData.UserAsync(fixture.Database, "Plan Owner");
        var strategy = await fixture.Database.OwnerScalarAsync<Guid>("SELECT id FROM auto_invest_strategies WHERE is_active ORDER BY name LIMIT 1");
        var before = (await support.GetAsync("admin/plans?from=2031-03-01&to=2031-03-31")).Body!;
        var plan = await TestData.SaveAsync(fixture.Database, investor.Id, new AutoInvestPlan
        {
            UserId = investor.Id, StrategyId = strategy, Status = PlanStatus.Paused, MonthlyInvestment = 5000m, ExecutionDay = 5,
            StartDate = new DateOnly(2031, 1, 5), PauseReason = "Testing",
        });
        foreach (var (day, outcome, error) in new[] { (1, ExecutionStatus.Failed, "Not enough cash"), (2, ExecutionStatus.Failed, "Not enough cash again"),
                     (3, ExecutionStatus.Completed, (string?)null) })
        {
            await TestData.SaveAsync(fixture.Database, investor.Id, new PlanExecution
            {
                PlanId = plan.Id, UserId = investor.Id, ExecutionDate = new DateOnly(2031, 3, day), Status = outcome, ErrorMessage = error,
                AmountInvested = outcome == ExecutionStatus.Completed ? 5000m : 0m, ExecutedAt = fixture.Clock.GetUtcNow(),
            });
        }

        var overview = (await support.GetAsync("admin/plans?from=2031-03-01&to=2031-03-31")).Body!;
        var (status, failures) = await support.GetAsync("admin/plans/executions?status=failed&from=2031-03-01&to=2031-03-31&pageSize=1");
        var (_, second) = await support.GetAsync("admin/plans/executions?status=failed&from=2031-03-01&to=2031-03-31&pageSize=1&page=2");
        var (_, all) = await support.GetAsync("admin/plans/executions?from=2031-03-01&to=2031-03-31");
        var (badStatus, _) = await support.GetAsync("admin/plans/executions?status=skipped");
        var (badRange, _) = await support.GetAsync("admin/plans?from=2031-03-31&to=2031-03-01");

        static int Of(JsonNode node, string list, string status) =>
            node[list]!.AsArray().Single(c => c!["status"]!.GetValue<string>() == status)!["count"]!.GetValue<int>();
        Assert.Equal(Of(before, "plans", "paused") + 1, Of(overview, "plans", "paused"));
        Assert.Equal(2, Of(overview, "executions", "failed"));
        Assert.Equal(1, Of(overview, "executions", "completed"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, failures!["total"]!.GetValue<int>());
        var newest = failures["items"]!.AsArray().Single()!;
        Assert.Equal("2031-03-02", newest["executionDate"]!.GetValue<string>());
        Assert.Equal("Not enough cash again", newest["errorMessage"]!.GetValue<string>());
        Assert.Equal(1, newest["earlierFailures"]!.GetValue<int>());
        Assert.Equal(investor.Email, newest["email"]!.GetValue<string>());
        Assert.Equal("failed", newest["status"]!.GetValue<string>());
        Assert.Equal(0, second!["items"]![0]!["earlierFailures"]!.GetValue<int>());
        Assert.Equal(3, all!["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal(HttpStatusCode.BadRequest, badRange);
    }

    [Fact]
    public async Task Support_reads_the_kyc_queue_and_strategies_but_is_refused_decisions_edits_and_running_plans_which_admins_still_make()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var __ = admin;
        var investor = await TestData.UserAsync(fixture.Database, "Kyc Waiting");
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'pending' WHERE id = $1", investor.Id);
        var strategy = await fixture.Database.OwnerScalarAsync<Guid>("SELECT id FROM auto_invest_strategies WHERE is_active ORDER BY name LIMIT 1");
        var strategyBody = new
        {
            name = "Support Made " + Guid.NewGuid().ToString("N")[..6], riskLevel = "medium", minInvestment = 500, rebalancingFrequency = "quarterly",
            allocation = new Dictionary<string, decimal> { ["stocks"] = 1m },
        };

        var (queue, queueBody) = await support.GetAsync("admin/kyc");
        var (decide, decideProblem) = await support.PostAsync($"admin/kyc/{investor.Id}", new { verify = true });
        var (create, createProblem) = await support.PostAsync("admin/strategies", strategyBody);
        var (update, _) = await support.SendAsync(HttpMethod.Put, $"admin/strategies/{strategy}", strategyBody);
        var (run, runProblem) = await support.PostAsync("admin/plans/run", new { date = "2031-04-01" });
        var stillPending = await fixture.Database.OwnerScalarAsync<string>("SELECT kyc_status::text FROM users WHERE id = $1", investor.Id);
        var (adminDecide, _) = await admin.PostAsync($"admin/kyc/{investor.Id}", new { verify = true });
        var (adminRun, _) = await admin.PostAsync("admin/plans/run", new { date = "2031-04-01" });

        Assert.Equal(HttpStatusCode.OK, queue);
        Assert.Contains(queueBody!.AsArray(), c => c!["userId"]!.GetValue<Guid>() == investor.Id);
        Assert.Equal(HttpStatusCode.Forbidden, decide);
        Assert.Contains("only an admin may verify or reject", decideProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("pending", stillPending);
        Assert.Equal(HttpStatusCode.Forbidden, create);
        Assert.Contains("only an admin may create a strategy", createProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, update);
        Assert.Equal(HttpStatusCode.Forbidden, run);
        Assert.Contains("only an admin may run the due plans", runProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, adminDecide);
        Assert.Equal(HttpStatusCode.OK, adminRun);
    }

    [Fact]
    public async Task Investors_are_refused_sync_health_and_the_plans_overview()
    {
        var (_, investor) = await SignedInAsync(Roles.Investor);
        using var _ = investor;

        var answers = new[]
        {
            (await investor.GetAsync("admin/sync-health")).Status, (await investor.GetAsync("admin/plans")).Status,
            (await investor.GetAsync("admin/plans/executions")).Status, (await investor.GetAsync("admin/kyc")).Status,
            (await investor.PostAsync("admin/strategies", new { })).Status,
        };

        Assert.All(answers, s => Assert.Equal(HttpStatusCode.Forbidden, s));
    }

    [Fact]
    public async Task The_jobs_list_says_the_scheduler_is_off_where_it_does_not_run_and_actions_are_refused_with_the_reason()
    {
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var _ = admin;

        var (status, page) = await admin.GetAsync("admin/jobs");
        var (run, problem) = await admin.PostAsync("admin/jobs/housekeeping/idempotency-cleanup/run", new { });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(page!["schedulerRunning"]!.GetValue<bool>());
        Assert.Empty(page["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, run);
        Assert.Contains("scheduler does not run", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
