namespace Spark.Web.Hosting;

/// <summary>The "Spark" configuration section (appsettings.json, then SPARK-prefixed environment variables such as Spark__Jobs__Enabled).</summary>
public sealed class SparkOptions
{
    public const string Section = "Spark";

    /// <summary>Where development-only state lives (generated keys, the local mailbox). script/server points it at .spark/.</summary>
    public string StateDirectory { get; set; } = ".spark";

    public JobOptions Jobs { get; set; } = new();

    public sealed class JobOptions
    {
        /// <summary>Runs the Quartz scheduler in this process. Tests switch it off and run jobs directly.</summary>
        public bool Enabled { get; set; } = true;
    }
}
