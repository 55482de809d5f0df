namespace Spark.Core.Goals;

/// <summary>
/// The 10th, 50th and 90th percentiles of many values, exactly (Excel's PERCENTILE.INC: linear between the two order
/// statistics around rank (n − 1)·p), in two passes without reordering the values: a histogram of equal-width bins
/// finds the bin of each order statistic needed, a second pass gathers only those bins' values, and selection inside
/// them finishes the job. Binning is monotonic, so the answer is exact, not an approximation. One instance per thread
/// (it keeps its buffers between calls).
/// </summary>
public sealed class FanPercentiles
{
    private const int Bins = 4096;
    private static readonly double[] Levels = [0.1, 0.5, 0.9];

    private readonly int[] counts = new int[Bins];
    private readonly int[] slots = new int[Bins];
    private double[] buffer = [];

    public (double P10, double P50, double P90) Compute(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        ArgumentOutOfRangeException.ThrowIfZero(n);
        double min = values[0], max = values[0];
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (max == min) return (min, min, min);
        var scale = (Bins - 1) / (max - min);
        Array.Clear(counts);
        foreach (var v in values) counts[Bin(v, min, scale)]++;

        // The order statistics needed (the floor and the next of each rank), visited in ascending order: with few
        // values one level's next can pass the following level's floor.
        Span<int> ranks = stackalloc int[6];
        Span<int> order = stackalloc int[6];
        for (var i = 0; i < 3; i++)
        {
            var k = (int)((n - 1) * Levels[i]);
            ranks[2 * i] = k;
            ranks[2 * i + 1] = Math.Min(k + 1, n - 1);
        }

        for (var j = 0; j < 6; j++)
        {
            var at = j;
            while (at > 0 && ranks[order[at - 1]] > ranks[j])
            {
                order[at] = order[at - 1];
                at--;
            }

            order[at] = j;
        }

        Span<int> binOf = stackalloc int[6];
        Span<int> within = stackalloc int[6];
        var found = 0;
        var below = 0;
        for (var b = 0; b < Bins && found < 6; b++)
        {
            while (found < 6 && ranks[order[found]] < below + counts[b])
            {
                binOf[order[found]] = b;
                within[order[found]] = ranks[order[found]] - below;
                found++;
            }

            below += counts[b];
        }

        // One segment of the buffer per distinct bin needed; then one pass gathers their values.
        if (buffer.Length < n) buffer = new double[n];
        Span<int> segmentOf = stackalloc int[6];
        Span<int> start = stackalloc int[7];
        Span<int> fill = stackalloc int[6];
        var segments = 0;
        for (var j = 0; j < 6; j++)
        {
            if (slots[binOf[j]] == 0)
            {
                slots[binOf[j]] = segments + 1;
                fill[segments] = start[segments];
                start[segments + 1] = start[segments] + counts[binOf[j]];
                segments++;
            }

            segmentOf[j] = slots[binOf[j]] - 1;
        }

        foreach (var v in values)
        {
            var slot = slots[Bin(v, min, scale)];
            if (slot != 0) buffer[fill[slot - 1]++] = v;
        }

        Span<double> statistics = stackalloc double[6];
        for (var j = 0; j < 6; j++)
        {
            var s = segmentOf[j];
            statistics[j] = Select(buffer.AsSpan(start[s], start[s + 1] - start[s]), within[j]);
        }

        for (var j = 0; j < 6; j++) slots[binOf[j]] = 0;
        return (Interpolate(statistics, 0, n), Interpolate(statistics, 1, n), Interpolate(statistics, 2, n));
    }

    private static double Interpolate(ReadOnlySpan<double> statistics, int level, int n)
    {
        var rank = (n - 1) * Levels[level];
        var (low, high) = (statistics[2 * level], statistics[2 * level + 1]);
        return low + (rank - (int)rank) * (high - low);
    }

    /// <summary>Equal-width bins over [min, max]: monotonic in the value, so bins keep the values' order.</summary>
    private static int Bin(double value, double min, double scale) => Math.Min(Bins - 1, (int)((value - min) * scale));

    /// <summary>Hoare's selection with a median-of-three pivot: the k-th smallest of data (which it reorders).</summary>
    private static double Select(Span<double> data, int k)
    {
        int left = 0, right = data.Length - 1;
        while (right > left)
        {
            var mid = left + ((right - left) >> 1);
            if (data[mid] < data[left]) (data[mid], data[left]) = (data[left], data[mid]);
            if (data[right] < data[left]) (data[right], data[left]) = (data[left], data[right]);
            if (data[right] < data[mid]) (data[right], data[mid]) = (data[mid], data[right]);
            var pivot = data[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (data[i] < pivot) i++;
                while (data[j] > pivot) j--;
                if (i <= j)
                {
                    (data[i], data[j]) = (data[j], data[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return data[k];
        }

        return data[k];
    }
}
