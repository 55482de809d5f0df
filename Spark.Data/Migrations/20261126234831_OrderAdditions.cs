using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrderAdditions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "amount",
                table: "trading_orders",
                type: "numeric(15,2)",
                precision: 15,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "blocked_amount",
                table: "trading_orders",
                type: "numeric(15,2)",
                precision: 15,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_order_id",
                table: "trading_orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_trading_orders_parent_order_id",
                table: "trading_orders",
                column: "parent_order_id");

            migrationBuilder.AddForeignKey(
                name: "fk_trading_orders_trading_orders_parent_order_id",
                table: "trading_orders",
                column: "parent_order_id",
                principalTable: "trading_orders",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_trading_orders_trading_orders_parent_order_id",
                table: "trading_orders");

            migrationBuilder.DropIndex(
                name: "ix_trading_orders_parent_order_id",
                table: "trading_orders");

            migrationBuilder.DropColumn(
                name: "amount",
                table: "trading_orders");

            migrationBuilder.DropColumn(
                name: "blocked_amount",
                table: "trading_orders");

            migrationBuilder.DropColumn(
                name: "parent_order_id",
                table: "trading_orders");
        }
    }
}
