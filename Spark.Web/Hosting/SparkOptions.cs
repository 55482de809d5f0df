namespace Spark.Web.Hosting;

/// <summary>The "Spark" configuration section (appsettings.json, then SPARK-prefixed environment variables such as Spark__Jobs__Enabled).</summary>
public sealed class SparkOptions
{
    public const string Section = "Spark";

    /// <summary>Where development-only state lives (generated keys, the local mailbox). script/server points it at .spark/.</summary>
    public string StateDirectory { get; set; } = ".spark";

    /// <summary>
    /// The address users reach Spark at (https in Production). Every link in an email is built from it: the request's
    /// Host header is chosen by the client, and a forged one once carried a valid reset token to another host.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary><see cref="PublicUrl"/> with a trailing slash, for building links relative to it.</summary>
    public Uri PublicBaseUri => Uri.TryCreate(PublicUrl.EndsWith('/') ? PublicUrl : PublicUrl + "/", UriKind.Absolute, out var uri)
        ? uri
        : throw new InvalidOperationException("Spark:PublicUrl is not set to an absolute URL (README, Configuration): email links need it.");

    public JobOptions Jobs { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();

    public MarketOptions Market { get; set; } = new();

    public sealed class MarketOptions
    {
        /// <summary>The built-in simulated market: the default data source, so Spark is alive offline.</summary>
        public bool SimulatorEnabled { get; set; } = true;

        /// <summary>Same seed, same market: every bar is a pure function of (seed, symbol, time).</summary>
        public long Seed { get; set; } = Spark.Core.Market.SimulatedMarket.DefaultSeed;

        /// <summary>How often the simulator moves prices.</summary>
        public int TickMilliseconds { get; set; } = 1000;

        /// <summary>Years of daily bars written on first run.</summary>
        public int BackfillYears { get; set; } = 5;

        /// <summary>How many renders a second one screen may do for ticks; bursts in between are coalesced.</summary>
        public int ScreenRendersPerSecond { get; set; } = 4;
    }

    public sealed class SecurityOptions
    {
        /// <summary>Trading logins use a second factor: orders and auto-invest plans need 2FA on (the market norm).</summary>
        public bool RequireTwoFactorForTrading { get; set; } = true;

        /// <summary>Admins and support reach the back office only with two-factor sign-in on.</summary>
        public bool RequireTwoFactorForStaff { get; set; } = true;

        /// <summary>How often an open circuit re-checks its session; a revoked session is signed out within this.</summary>
        public int CircuitRevalidationSeconds { get; set; } = 60;

        /// <summary>How long a staff member's view of a customer's account lasts at most (decision 0045).</summary>
        public int ImpersonationMinutes { get; set; } = 30;

        /// <summary>How long a customer's one-time consent code for support works.</summary>
        public int ConsentCodeMinutes { get; set; } = 10;
    }

    public sealed class JobOptions
    {
        /// <summary>Runs the Quartz scheduler in this process. Tests switch it off and run jobs directly.</summary>
        public bool Enabled { get; set; } = true;
    }
}
