using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Spark.Web.Hosting;

/// <summary>
/// What a supervisor (docker-compose, a load balancer) asks: /health/live — is the process serving at all (no
/// dependencies, so a database outage never gets the app killed for nothing); /health/ready — can it do its work:
/// the database answers, the scheduler runs (when this instance runs jobs), and no background loop is failing.
/// /health keeps answering what it did before: the database.
/// </summary>
public static class SparkHealth
{
    public const string Ready = "ready";
    public const string Database = "database";

    public static void MapSparkHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Name == Database });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
    }
}

/// <summary>Unhealthy while any background loop is starting or failing (see <see cref="BackgroundLoops"/>).</summary>
public sealed class BackgroundLoopsHealthCheck(BackgroundLoops loops) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = loops.States.Where(s => !s.Value.IsHealthy).ToDictionary(s => s.Key, s => (object)(s.Value.Error ?? "failing"));
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{string.Join(", ", failing.Keys)} not running normally", data: failing));
    }
}

/// <summary>Unhealthy unless the Quartz scheduler is running (not created-only, in standby or shut down).</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The job scheduler is {status.ToString().ToLowerInvariant()}, not running.");
    }
}
