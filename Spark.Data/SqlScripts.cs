using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Spark.Data;

/// <summary>The hand-written SQL files under Sql/, embedded in this assembly and run by migrations.</summary>
public static class SqlScripts
{
    public static string Read(string fileName)
    {
        var assembly = typeof(SqlScripts).Assembly;
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith($".Sql.{fileName}", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"SQL script {fileName} is not embedded in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static void Run(this MigrationBuilder migrationBuilder, string fileName) =>
        migrationBuilder.Sql(Read(fileName));
}
