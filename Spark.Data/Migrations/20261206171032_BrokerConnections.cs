using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <inheritdoc />
    public partial class BrokerConnections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<JsonDocument>(
                name: "details",
                table: "sync_logs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "records_created",
                table: "sync_logs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "records_updated",
                table: "sync_logs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "api_secret",
                table: "platform_connections",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "api_key",
                table: "platform_connections",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AddColumn<string>(
                name: "account_id",
                table: "platform_connections",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_name",
                table: "platform_connections",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "platform_connections",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "reconnect_required",
                table: "platform_connections",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "sync_cursor",
                table: "platform_connections",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_sync_logs_connection_in_flight",
                table: "sync_logs",
                column: "connection_id",
                unique: true,
                filter: "status IN ('pending', 'in_progress')");

            migrationBuilder.CreateIndex(
                name: "ux_platform_connections_user_platform_live",
                table: "platform_connections",
                columns: new[] { "user_id", "platform" },
                unique: true,
                filter: "status <> 'disconnected'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_sync_logs_connection_in_flight",
                table: "sync_logs");

            migrationBuilder.DropIndex(
                name: "ux_platform_connections_user_platform_live",
                table: "platform_connections");

            migrationBuilder.DropColumn(
                name: "details",
                table: "sync_logs");

            migrationBuilder.DropColumn(
                name: "records_created",
                table: "sync_logs");

            migrationBuilder.DropColumn(
                name: "records_updated",
                table: "sync_logs");

            migrationBuilder.DropColumn(
                name: "account_id",
                table: "platform_connections");

            migrationBuilder.DropColumn(
                name: "account_name",
                table: "platform_connections");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "platform_connections");

            migrationBuilder.DropColumn(
                name: "reconnect_required",
                table: "platform_connections");

            migrationBuilder.DropColumn(
                name: "sync_cursor",
                table: "platform_connections");

            migrationBuilder.AlterColumn<string>(
                name: "api_secret",
                table: "platform_connections",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(2048)",
                oldMaxLength: 2048);

            migrationBuilder.AlterColumn<string>(
                name: "api_key",
                table: "platform_connections",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(2048)",
                oldMaxLength: 2048);
        }
    }
}
