using Spark.Core.Accounts;
using Spark.Core.Orders;
using Spark.Data.Conversions;

namespace Spark.Tests.Core;

public sealed class SnakeCaseEnumTests
{
    [Theory]
    [InlineData(OrderType.StopLoss, "stop_loss")]
    [InlineData(OrderStatus.PartiallyFilled, "partially_filled")]
    [InlineData(OrderValidity.Ioc, "ioc")]
    [InlineData(TwoFactorMethod.AuthenticatorApp, "authenticator_app")]
    public void Enum_members_are_stored_as_the_schemas_words(Enum value, string stored)
    {
        Assert.Equal(stored, SnakeCaseEnum.ToSnakeCase(value.ToString()));
    }

    [Fact]
    public void A_stored_word_reads_back_as_its_member_and_an_unknown_word_is_an_error()
    {
        Assert.Equal(OrderStatus.PartiallyFilled, SnakeCaseEnum.FromStored<OrderStatus>("partially_filled"));
        Assert.Throws<InvalidOperationException>(() => SnakeCaseEnum.FromStored<OrderStatus>("PartiallyFilled"));
    }
}
