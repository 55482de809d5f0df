using Spark.Core.Market;

namespace Spark.Tests.Core;

/// <summary>ISO 6166 check digits of real ISINs (Indian equities, a mutual fund, a US equity) and near misses.</summary>
public sealed class IsinTests
{
    [Theory]
    [InlineData("INE002A01018")] // Reliance Industries
    [InlineData("INE467B01029")] // Tata Consultancy Services
    [InlineData("INE009A01021")] // Infosys
    [InlineData("INF179K01BE2")] // an HDFC mutual fund scheme
    [InlineData("US0378331005")] // Apple
    public void Real_isins_check_out(string isin) => Assert.True(Isin.IsValid(isin));

    [Theory]
    [InlineData("INE002A01019")] // wrong check digit
    [InlineData("INE002A0101")]  // 11 characters
    [InlineData("ine002a01018")] // lower case is normalised by callers, not here
    [InlineData("1NE002A01018")] // the country is two letters
    [InlineData("INE002A0101X")] // the check is a digit
    [InlineData("")]
    [InlineData(null)]
    public void Near_misses_do_not(string? isin) => Assert.False(Isin.IsValid(isin));
}
