using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Npgsql;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// Spark as a separate OS process: the built Spark.Web.dll run by dotnet, against a test database, on a loopback port it
/// picks itself, with a temporary state directory and the test defaults of <see cref="SparkAppFactory"/>. Its output is
/// kept (the last lines) for failure messages. It runs on the machine's clock (faked or not), not a test clock.
/// <see cref="Kill"/> is SIGKILL; <see cref="DisposeAsync"/> kills it too, so it never outlives its test.
/// </summary>
public sealed partial class SparkProcess : IAsyncDisposable
{
    private const int KeptLines = 400;
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string stateDirectory;

    private SparkProcess(Process process, string stateDirectory)
    {
        this.process = process;
        this.stateDirectory = stateDirectory;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>The application name its database sessions carry (the exchange's lock session keeps its own name).</summary>
    public string ApplicationName { get; private set; } = "";

    public int Id => process.Id;

    public Uri BaseAddress { get; private set; } = default!;

    public bool HasExited => process.HasExited;

    /// <summary>The exit code once it has exited (137 = 128 + SIGKILL).</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>The last lines it wrote (stdout and stderr interleaved as they came).</summary>
    public string Output => string.Join('\n', output);

    /// <summary>
    /// Starts Spark.Web.dll of the build these tests run (the same assembly as <see cref="SparkAppFactory"/>'s, checked by its
    /// module version id), and returns once it answers /health/ready. A failure to start kills it and throws with its output.
    /// </summary>
    public static Task<SparkProcess> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string?> settings, string instanceName,
        TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        return StartAsync(database.AppConnectionString, database.OwnerConnectionString, settings, instanceName, within);
    }

    /// <summary>
    /// The same against any database given by its two connection strings (the application and owner roles): script/bench
    /// starts a second instance on its own database this way.
    /// </summary>
    public static async Task<SparkProcess> StartAsync(string appConnectionString, string ownerConnectionString, IReadOnlyDictionary<string, string?> settings,
        string instanceName, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(appConnectionString);
        ArgumentNullException.ThrowIfNull(ownerConnectionString);
        ArgumentNullException.ThrowIfNull(settings);
        var dll = WebAssemblyPath();
        var stateDirectory = Directory.CreateTempSubdirectory("spark-process-").FullName;
        var applicationName = $"spark-process-{instanceName}";
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = stateDirectory,
        };
        foreach (var argument in new[] { dll, "--urls", "http://127.0.0.1:0", "--contentRoot", Path.Combine(TestEnvironment.RepositoryRoot, "Spark.Web") })
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test run's own configuration leaks in (script/test exports a state directory; a developer's shell may
        // name a Redis or a URL); the machine's clock does (LD_PRELOAD/FAKETIME under script/test --date).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Spark__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in Settings(appConnectionString, ownerConnectionString, stateDirectory, applicationName, instanceName, settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var spark = new SparkProcess(process, stateDirectory) { ApplicationName = applicationName };
        process.OutputDataReceived += (_, e) => spark.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => spark.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // A bound, not a pace: alone on this machine it was ready in 8–21 s, beside five other test classes in 71 s.
            var deadline = Stopwatch.StartNew();
            var patience = within ?? TimeSpan.FromSeconds(180);
            spark.BaseAddress = await spark.ListeningAsync(patience);
            await spark.ReadyAsync(patience - deadline.Elapsed);
            return spark;
        }
        catch (Exception e)
        {
            await spark.DisposeAsync();
            throw new InvalidOperationException($"Spark.Web.dll did not start ({e.Message}). Its output:\n{spark.Output}", e);
        }
    }

    /// <summary>
    /// The settings every test host gets (<see cref="SparkAppFactory.TestDefaults"/>), the database, the state
    /// directory, an instance name, and the caller's own on top.
    /// </summary>
    private static Dictionary<string, string?> Settings(string appConnectionString, string ownerConnectionString, string stateDirectory,
        string applicationName, string instanceName, IReadOnlyDictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>(SparkAppFactory.TestDefaults(stateDirectory))
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_NOLOGO"] = "1",
            ["ConnectionStrings:Spark"] = new NpgsqlConnectionStringBuilder(appConnectionString) { ApplicationName = applicationName }.ConnectionString,
            ["ConnectionStrings:SparkOwner"] = new NpgsqlConnectionStringBuilder(ownerConnectionString) { ApplicationName = applicationName }.ConnectionString,
            ["Spark:InstanceName"] = instanceName,
            // Fill and election lines in the output, for a failure message.
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in settings) values[key] = value;
        return values;
    }

    /// <summary>kill -9: SIGKILL to the dotnet process itself (no shutdown, no flush, sockets closed by the kernel).</summary>
    public void Kill()
    {
        // Process.Kill(false) is kill(pid, SIGKILL) on Unix.
        process.Kill(entireProcessTree: false);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => process.WaitForExitAsync(cancellationToken);

    /// <summary>The executable and command line of the running process, from /proc (to check what a kill hits).</summary>
    public (string Executable, string CommandLine) Image() => (
        new FileInfo($"/proc/{process.Id}/exe").LinkTarget ?? "",
        File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ').Trim());

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await process.WaitForExitAsync(patience.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        process.Dispose();
        if (Directory.Exists(stateDirectory)) Directory.Delete(stateDirectory, recursive: true);
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        output.Enqueue(line);
        while (output.Count > KeptLines) output.TryDequeue(out _);
        if (ListeningLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
    }

    private async Task<Uri> ListeningAsync(TimeSpan within)
    {
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(within));
        if (first == listening.Task) return await listening.Task;
        throw new InvalidOperationException(first == exited ? $"it exited with code {process.ExitCode}" : $"no 'Now listening on' within {within.TotalSeconds:0} s");
    }

    /// <summary>Asks /health/ready every 100 ms until it answers 200 (the database answers, the background loops run).</summary>
    private async Task ReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < within)
        {
            if (process.HasExited) throw new InvalidOperationException($"it exited with code {process.ExitCode}");
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"/health/ready did not answer 200 within {within.TotalSeconds:0} s (last: {last})");
    }

    /// <summary>
    /// Spark.Web/bin/{configuration}/net10.0/Spark.Web.dll (where the build puts it, beside its runtimeconfig and deps files),
    /// required to be the very assembly these tests loaded: a stale build would test other code.
    /// </summary>
    private static string WebAssemblyPath()
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (tests.Name, tests.Parent!.Name);
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "Spark.Web", "bin", configuration, framework, "Spark.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build the solution (script/test does).");
        using (var pe = new PEReader(File.OpenRead(dll)))
        {
            var reader = pe.GetMetadataReader();
            var built = reader.GetGuid(reader.GetModuleDefinition().Mvid);
            var loaded = typeof(Program).Assembly.ManifestModule.ModuleVersionId;
            if (built != loaded) throw new InvalidOperationException($"{dll} is not the build these tests loaded: build the solution again.");
        }

        return dll;
    }

    /// <summary>The dotnet host running these tests (the CLI names it in DOTNET_HOST_PATH), else dotnet on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
