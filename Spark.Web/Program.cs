using Spark.Web.Cli;
using Spark.Web.Hosting;

// The container's health check: answered before any host is built (it needs no configuration or database).
if (HealthProbe.IsInvocation(args)) return await HealthProbe.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddSpark();
var app = builder.Build();

if (DatabaseCommand.IsInvocation(args))
{
    return await DatabaseCommand.RunAsync(app, args);
}

app.UseSpark();
await app.RunAsync();
return 0;

public partial class Program;
