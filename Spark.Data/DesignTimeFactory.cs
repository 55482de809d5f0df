using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Spark.Data;

/// <summary>Lets `dotnet ef` build the model without the web host (it never connects for `migrations add`).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SparkDbContext>
{
    public SparkDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__SparkOwner")
            ?? "Host=127.0.0.1;Database=spark_design_time";
        var options = new DbContextOptionsBuilder<SparkDbContext>();
        options.UseSpark(connectionString);
        return new SparkDbContext(options.Options);
    }
}
