using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlanOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "plan_execution_id",
                table: "trading_orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_trading_orders_plan_execution_id",
                table: "trading_orders",
                column: "plan_execution_id",
                filter: "plan_execution_id IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_trading_orders_plan_executions_plan_execution_id",
                table: "trading_orders",
                column: "plan_execution_id",
                principalTable: "plan_executions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_trading_orders_plan_executions_plan_execution_id",
                table: "trading_orders");

            migrationBuilder.DropIndex(
                name: "ix_trading_orders_plan_execution_id",
                table: "trading_orders");

            migrationBuilder.DropColumn(
                name: "plan_execution_id",
                table: "trading_orders");
        }
    }
}
