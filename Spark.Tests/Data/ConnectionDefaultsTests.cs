using Npgsql;
using Spark.Data;

namespace Spark.Tests.Data;

/// <summary>The running app prepares its statements unless the configured connection string says otherwise.</summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void Statements_are_prepared_on_first_use_by_default()
    {
        var builder = new NpgsqlConnectionStringBuilder(SparkDatabase.WithRuntimeDefaults("Host=db;Database=spark;Username=spark_app"));

        Assert.Equal((64, 1), (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages));
        Assert.Equal(("db", "spark"), (builder.Host, builder.Database));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0")]
    public void An_explicit_setting_is_kept(string configured)
    {
        var builder = new NpgsqlConnectionStringBuilder(SparkDatabase.WithRuntimeDefaults(configured));

        Assert.Equal(0, builder.MaxAutoPrepare);
    }
}
