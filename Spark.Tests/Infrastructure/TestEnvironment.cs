using Npgsql;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// Where the test cluster is: SPARK_TEST_* variables, which script/test exports and also writes to
/// .spark/test.env so that `dotnet test` works on its own after one script/test run.
/// </summary>
public static class TestEnvironment
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Values = new(Load);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The design document beside the checkout (../shared/spec), when the checkout sits there.</summary>
    public static string OriginalSchemaDocumentPath =>
        Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "spec", "database-schema.md"));

    /// <summary>The committed copy of the design document (docs/spec), for checkouts that stand alone.</summary>
    public static string CopiedSchemaDocumentPath => Path.Combine(RepositoryRoot, "docs", "spec", "database-schema.md");

    public static string SchemaDocumentPath =>
        File.Exists(OriginalSchemaDocumentPath) ? OriginalSchemaDocumentPath : CopiedSchemaDocumentPath;

    public static int Port => int.Parse(Get("SPARK_TEST_PG_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string TemplateDatabase => Get("SPARK_TEST_TEMPLATE");

    /// <summary>The roles' passwords, for a cluster a test makes of its own with the same roles (<see cref="StreamingReplicaPair"/>).</summary>
    public static string OwnerPassword => Get("SPARK_TEST_OWNER_PASSWORD");

    public static string AppPassword => Get("SPARK_TEST_APP_PASSWORD");

    public static string OwnerConnectionString(string database) => Build("spark_owner", Get("SPARK_TEST_OWNER_PASSWORD"), database);

    public static string AppConnectionString(string database) => Build("spark_app", Get("SPARK_TEST_APP_PASSWORD"), database);

    private static string Build(string user, string password, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = user,
        Password = password,
        Database = database,
        Pooling = true,
        MaxPoolSize = 20,
        IncludeErrorDetail = true,
    }.ConnectionString;

    private static string Get(string name) => Values.Value.TryGetValue(name, out var value)
        ? value
        : throw new InvalidOperationException($"{name} is not set: run script/test once (it starts the test database and writes .spark/test.env).");

    private static IReadOnlyDictionary<string, string> Load()
    {
        var values = new Dictionary<string, string>();
        var file = Path.Combine(RepositoryRoot, ".spark", "test.env");
        if (File.Exists(file))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                var separator = line.IndexOf('=', StringComparison.Ordinal);
                if (separator > 0 && !line.StartsWith('#')) values[line[..separator]] = line[(separator + 1)..];
            }
        }
        foreach (var name in new[] { "SPARK_TEST_PG_PORT", "SPARK_TEST_OWNER_PASSWORD", "SPARK_TEST_APP_PASSWORD", "SPARK_TEST_TEMPLATE" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) values[name] = value;
        }
        return values;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Spark.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Spark.sln not found above the test binaries.");
    }
}
