namespace Spark.Core.Goals;

/// <summary>What a Monte Carlo projection starts from. Rates and weights are fractions; see decision 0030 for the model.</summary>
/// <param name="Months">Monthly steps to simulate (each starts with a contribution).</param>
/// <param name="Paths">Simulated markets (at least 10,000 in the app).</param>
public sealed record MonteCarloInput(decimal CurrentAmount, decimal MonthlyContribution, int Months, decimal TargetAmount,
    IReadOnlyList<MixComponent> Mix, int Paths, int Seed);

/// <summary>The spread of simulated corpora after <paramref name="Month"/> months: 10th, 50th and 90th percentiles, in rupees.</summary>
public sealed record FanPoint(int Month, decimal P10, decimal P50, decimal P90);

/// <param name="SuccessProbability">The share of paths that end at or above the target (a fraction, 0 to 1).</param>
/// <param name="Series">One point per month from 0 (today) to the last month.</param>
public sealed record MonteCarloResult(decimal SuccessProbability, IReadOnlyList<FanPoint> Series);

/// <summary>
/// The probability of reaching a goal, by simulating many possible markets: every month each path adds the
/// contribution and then grows by a log-normal return whose mean and variance are the mix's (rebalanced monthly,
/// classes independent). Seeded: the same input gives the same result on any machine and any number of cores,
/// because paths are simulated in fixed blocks that each own a random stream. Doubles inside (a probability model,
/// not money); amounts come out rounded to the paisa.
/// </summary>
public static class MonteCarloProjection
{
    private const int BlockSize = 512;

    /// <summary>Months simulated between two rounds of percentiles: enough work per round for every core, little memory.</summary>
    private const int ChunkMonths = 24;

    public static MonteCarloResult Run(MonteCarloInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(input.Months);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Paths, 1);
        var (mean, deviation) = MonthlyLogReturn(input.Mix);
        var paths = input.Paths;
        var step = new StepSize((double)input.MonthlyContribution, mean, deviation);
        var values = new double[paths];
        Array.Fill(values, (double)input.CurrentAmount);
        var series = new FanPoint[input.Months + 1];
        var start = Rupees((double)input.CurrentAmount);
        series[0] = new FanPoint(0, start, start, start);

        var blocks = (paths + BlockSize - 1) / BlockSize;
        var streams = new RandomStream[blocks];
        for (var b = 0; b < blocks; b++) streams[b] = new RandomStream(input.Seed, b);
        var chunk = new double[Math.Min(ChunkMonths, Math.Max(1, input.Months)) * paths];
        using var percentiles = new ThreadLocal<FanPercentiles>(() => new FanPercentiles());
        for (var first = 1; first <= input.Months; first += ChunkMonths)
        {
            var count = Math.Min(ChunkMonths, input.Months - first + 1);
            var from = first;
            Parallel.For(0, blocks, b => Simulate(values, chunk, count, b * BlockSize, Math.Min(paths, (b + 1) * BlockSize), ref streams[b], step));
            Parallel.For(0, count, k => series[from + k] = Point(from + k, chunk.AsSpan(k * paths, paths), percentiles.Value!));
        }

        var target = (double)input.TargetAmount;
        var reached = 0;
        foreach (var v in values)
        {
            if (v >= target) reached++;
        }

        return new MonteCarloResult(Math.Round((decimal)reached / paths, 6, MidpointRounding.AwayFromZero), series);
    }

    private readonly record struct StepSize(double Contribution, double Mean, double Deviation);

    /// <summary>
    /// <paramref name="months"/> months for paths [start, end): each month adds the contribution, then grows by a log-normal
    /// return; every month's values are kept in <paramref name="chunk"/> (month-major) for the percentiles.
    /// </summary>
    private static void Simulate(double[] values, double[] chunk, int months, int start, int end, ref RandomStream stream, StepSize step)
    {
        // A local copy keeps the generator's state in registers; it is written back once.
        var local = stream;
        var paths = values.Length;
        var growth = Math.Exp(step.Mean);
        for (var k = 0; k < months; k++)
        {
            var row = k * paths;
            for (var p = start; p < end; p++)
            {
                var r = step.Deviation == 0d ? growth : Math.Exp(step.Mean + step.Deviation * local.NextNormal());
                var v = (values[p] + step.Contribution) * r;
                values[p] = v;
                chunk[row + p] = v;
            }
        }

        stream = local;
    }

    /// <summary>
    /// The mean and standard deviation of a month's log return, chosen so the gross return 1 + r has the mix's monthly
    /// mean (annual rate / 12, as the deterministic projection uses) and variance (annual variance / 12).
    /// </summary>
    public static (double Mean, double Deviation) MonthlyLogReturn(IReadOnlyList<MixComponent> mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        double annualMean = 0d, annualVariance = 0d;
        foreach (var c in mix)
        {
            annualMean += c.Weight * c.ExpectedReturnRate;
            annualVariance += c.Weight * c.Weight * c.VolatilityRate * c.VolatilityRate;
        }

        var gross = 1d + annualMean / 12d;
        var logVariance = Math.Log(1d + annualVariance / 12d / (gross * gross));
        return (Math.Log(gross) - logVariance / 2d, Math.Sqrt(logVariance));
    }

    private static FanPoint Point(int month, ReadOnlySpan<double> values, FanPercentiles percentiles)
    {
        var (p10, p50, p90) = percentiles.Compute(values);
        return new FanPoint(month, Rupees(p10), Rupees(p50), Rupees(p90));
    }

    private static decimal Rupees(double value) =>
        value >= (double)decimal.MaxValue / 2 ? decimal.MaxValue / 2 : Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// xoshiro256** (Blackman and Vigna) seeded by SplitMix64, with normal draws by Marsaglia and Tsang's ziggurat
    /// (128 layers): one random number and one comparison for almost every draw.
    /// </summary>
    private struct RandomStream
    {
        private ulong s0, s1, s2, s3;

        public RandomStream(int seed, int stream)
        {
            var x = unchecked((ulong)(uint)seed << 32 ^ (ulong)(uint)stream * 0x9E3779B97F4A7C15UL);
            s0 = SplitMix(ref x);
            s1 = SplitMix(ref x);
            s2 = SplitMix(ref x);
            s3 = SplitMix(ref x);
        }

        public double NextNormal()
        {
            while (true)
            {
                var u = NextULong();
                var hz = (int)(u >> 32);
                var iz = (int)(u & 127);
                var magnitude = (uint)Math.Abs((long)hz);
                if (magnitude < Ziggurat.K[iz]) return hz * Ziggurat.W[iz];
                if (Slow(hz, iz) is { } x) return x;
            }
        }

        /// <summary>The rare draws outside a layer's rectangle: the tail beyond r, or a wedge accepted under the density.</summary>
        private double? Slow(int hz, int iz)
        {
            var x = hz * Ziggurat.W[iz];
            if (iz == 0)
            {
                double tail, y;
                do
                {
                    tail = -Math.Log(NextOpenDouble()) / Ziggurat.R;
                    y = -Math.Log(NextOpenDouble());
                }
                while (y + y < tail * tail);
                return hz > 0 ? Ziggurat.R + tail : -Ziggurat.R - tail;
            }

            return Ziggurat.F[iz] + NextOpenDouble() * (Ziggurat.F[iz - 1] - Ziggurat.F[iz]) < Math.Exp(-0.5 * x * x) ? x : null;
        }

        /// <summary>A uniform draw in (0, 1), never 0, so its logarithm is finite.</summary>
        private double NextOpenDouble() => ((NextULong() >> 11) + 0.5) * (1d / (1UL << 53));

        private ulong NextULong()
        {
            var result = ulong.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            return result;
        }

        private static ulong SplitMix(ref ulong x)
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The ziggurat's tables for the standard normal (Marsaglia and Tsang, 2000, 128 layers, 32-bit draws).</summary>
    private static class Ziggurat
    {
        public const double R = 3.442619855899;
        private const double Volume = 9.91256303526217e-3;
        private const double Scale = 2147483648d;

        public static readonly uint[] K = new uint[128];
        public static readonly double[] W = new double[128];
        public static readonly double[] F = new double[128];

#pragma warning disable CA1810 // The tables are built by a loop over each other's values; an initializer per field cannot say it.
        static Ziggurat()
#pragma warning restore CA1810
        {
            var d = R;
            var t = d;
            var q = Volume / Math.Exp(-0.5 * d * d);
            K[0] = (uint)(d / q * Scale);
            K[1] = 0;
            W[0] = q / Scale;
            W[127] = d / Scale;
            F[0] = 1d;
            F[127] = Math.Exp(-0.5 * d * d);
            for (var i = 126; i >= 1; i--)
            {
                d = Math.Sqrt(-2d * Math.Log(Volume / d + Math.Exp(-0.5 * d * d)));
                K[i + 1] = (uint)(d / t * Scale);
                t = d;
                F[i] = Math.Exp(-0.5 * d * d);
                W[i] = d / Scale;
            }
        }
    }
}
