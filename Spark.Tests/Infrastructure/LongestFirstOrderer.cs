using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Spark.Tests.Infrastructure.LongestFirstOrderer", "Spark.Tests")]

namespace Spark.Tests.Infrastructure;

/// <summary>
/// Starts the browser collection first. Its tests run one after another on one app and one Chromium, a chain of many
/// minutes that mostly waits (on the page, the circuit, the network going idle) rather than computes; started first, it
/// runs beside every other class instead of after them (decision 0061). The other collections keep xunit's order.
/// </summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == BrowserCollection.Name ? 0 : 1);
}
