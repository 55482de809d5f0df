using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// One owner of the paper exchange (decision 0056): exchange_leases and its epoch sequence, the fill guard on
    /// order_executions (exchange_epoch checked by a trigger), NOTIFY of order changes on spark_orders; and the notification
    /// outbox as a table with row-level security.
    /// </summary>
    public partial class ExchangeOwnershipAndOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "exchange_epoch",
                table: "order_executions",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_outbox",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    title = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    link = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "CURRENT_TIMESTAMP"),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_outbox", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_outbox_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "idx_notification_outbox_sent_at",
                table: "notification_outbox",
                column: "sent_at",
                filter: "sent_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "idx_notification_outbox_unsent",
                table: "notification_outbox",
                column: "created_at",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "idx_notification_outbox_user_id",
                table: "notification_outbox",
                column: "user_id");

            migrationBuilder.Run("23_exchange_ownership.sql");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS trading_orders_notify ON trading_orders;
                DROP FUNCTION IF EXISTS trading_orders_notify();
                DROP TRIGGER IF EXISTS order_executions_fence ON order_executions;
                DROP FUNCTION IF EXISTS order_executions_fence();
                DROP TABLE IF EXISTS exchange_leases;
                DROP SEQUENCE IF EXISTS exchange_epoch_seq;
                """);
            migrationBuilder.DropTable(
                name: "notification_outbox");

            migrationBuilder.DropColumn(
                name: "exchange_epoch",
                table: "order_executions");
        }
    }
}
