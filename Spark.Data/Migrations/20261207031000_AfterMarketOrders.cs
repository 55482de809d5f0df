using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>trading_orders.after_market: a day order placed while the exchange was closed or in pre-open (decision 0051).</summary>
    public partial class AfterMarketOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "after_market",
                table: "trading_orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "after_market",
                table: "trading_orders");
        }
    }
}
