using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// audit_logs.actor_id (decision 0044): who acted, backfilled from changes->'by', with indexes for the audit
    /// screen's actor, account and action filters; the row trigger records the user in scope as the actor.
    /// </summary>
    public partial class AuditActor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("13_audit_actor.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS idx_audit_logs_action_created;
                DROP INDEX IF EXISTS idx_audit_logs_user_created;
                DROP INDEX IF EXISTS idx_audit_logs_actor_created;
                ALTER TABLE audit_logs DROP COLUMN IF EXISTS actor_id;
                """);
    }
}
