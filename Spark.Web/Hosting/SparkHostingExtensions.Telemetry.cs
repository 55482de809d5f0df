using Microsoft.AspNetCore.Components.Server.Circuits;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Spark.Web.Endpoints;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    /// <summary>The path Prometheus scrapes; staff only, with a back-office bearer token (decision 0058).</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry (decision 0058): metrics of ASP.NET Core, HttpClient, Npgsql, the .NET runtime's own meters and the
    /// "Spark" meter, always, for /metrics; traces of the same, and OTLP export of both, only when an OTLP endpoint is
    /// configured (OTEL_EXPORTER_OTLP_ENDPOINT, or Spark:Telemetry:OtlpEndpoint): spans nobody collects cost for nothing.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SparkMetrics>();
        services.AddScoped<CircuitHandler, TelemetryCircuitHandler>();
        services.AddHostedService<TickMeter>();
        var sparkEndpoint = configuration["Spark:Telemetry:OtlpEndpoint"];
        var standardEndpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "spark"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                // Npgsql's own meter: connection pool use and command durations.
                .AddMeter("Npgsql")
                .AddMeter(SparkTelemetry.MeterName)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (string.IsNullOrEmpty(sparkEndpoint) && string.IsNullOrEmpty(standardEndpoint)) return;
        telemetry
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(SparkTelemetry.MeterName));
        // The standard variables (endpoint, protocol, headers) win; Spark's option is a gRPC endpoint for set-ups without them.
        if (!string.IsNullOrEmpty(standardEndpoint)) telemetry.UseOtlpExporter();
        else telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(sparkEndpoint!));
    }

    /// <summary>Prometheus text for staff only: the same back-office bearer policy as /api/v1/admin reads (401 anonymous, 403 investors).</summary>
    private static void MapSparkMetrics(WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ApiEndpoints.ApiBackOffice);
}
