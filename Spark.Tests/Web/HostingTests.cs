using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;

namespace Spark.Tests.Web;

public sealed class HostingTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Health_reports_healthy_when_the_database_answers()
    {
        using var client = fixture.App.CreateHttpClient();

        var response = await client.GetAsync("health");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/admin")]
    [InlineData("/settings")]
    public async Task Signed_out_visitors_are_sent_to_sign_in(string path)
    {
        using var client = fixture.App.CreateHttpClient();

        var response = await client.GetAsync(path.TrimStart('/'));

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_protection_keys_live_in_the_database_so_a_restart_signs_no_one_out()
    {
        using var client = fixture.App.CreateHttpClient();
        await client.GetAsync("Account/Login"); // the antiforgery token needs a key

        await using var context = fixture.Database.App(DataScope.None);
        Assert.True(await context.DataProtectionKeys.AnyAsync());
    }

    [Fact]
    public void Production_refuses_development_settings_and_default_passwords()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Spark"] = "Host=db;Database=spark;Username=spark_app;Password=postgres",
            ["Spark:Encryption:Key"] = "dev-only-0000",
            ["Spark:Security:RequireTwoFactorForStaff"] = "false",
        }).Build();

        var problems = ProductionGuard.Problems(configuration);

        Assert.Contains(problems, p => p.Contains("ConnectionStrings:Spark uses an empty or default password", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Spark:Encryption:Key holds a development-only value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Spark:Jwt:SigningKey is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Spark:PublicUrl is not an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AllowedHosts is not restricted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Spark:DataProtection:KeyEncryptionKey is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Spark:Security:RequireTwoFactorForStaff is off", StringComparison.Ordinal));
    }

    [Fact]
    public void Production_starts_with_real_secrets()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Spark"] = "Host=db;Database=spark;Username=spark_app;Password=Xk29-long-random-secret",
            ["Spark:Jwt:SigningKey"] = Convert.ToBase64String(new byte[32]),
            ["Spark:Encryption:CurrentKeyId"] = "k1",
            ["Spark:Encryption:Keys:k1"] = Convert.ToBase64String(new byte[32]),
            ["Spark:Encryption:HashKey"] = Convert.ToBase64String(new byte[32]),
            ["Spark:PublicUrl"] = "https://spark.example",
            ["AllowedHosts"] = "spark.example",
            ["Spark:DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
        }).Build();

        Assert.Empty(ProductionGuard.Problems(configuration));
    }
}
