using Spark.Data;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnitPrecision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "trading_orders",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6);

            migrationBuilder.AlterColumn<decimal>(
                name: "filled_quantity",
                table: "trading_orders",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                defaultValue: 0m,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6,
                oldDefaultValue: 0m);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "order_executions",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "investments",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6);

            migrationBuilder.AlterColumn<decimal>(
                name: "remaining_quantity",
                table: "investment_holdings",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "investment_holdings",
                type: "numeric(20,8)",
                precision: 20,
                scale: 8,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(15,6)",
                oldPrecision: 15,
                oldScale: 6);

            migrationBuilder.Run("09_quantity_precision.sql");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "trading_orders",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8);

            migrationBuilder.AlterColumn<decimal>(
                name: "filled_quantity",
                table: "trading_orders",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                defaultValue: 0m,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8,
                oldDefaultValue: 0m);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "order_executions",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "investments",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8);

            migrationBuilder.AlterColumn<decimal>(
                name: "remaining_quantity",
                table: "investment_holdings",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8);

            migrationBuilder.AlterColumn<decimal>(
                name: "quantity",
                table: "investment_holdings",
                type: "numeric(15,6)",
                precision: 15,
                scale: 6,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,8)",
                oldPrecision: 20,
                oldScale: 8);
        }
    }
}
