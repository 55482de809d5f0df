using Spark.Web.Cli;
using Spark.Web.Hosting;

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
