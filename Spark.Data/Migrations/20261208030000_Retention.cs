using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// Retention (decision 0058): retention_runs for the back office's status card, the archive schema for detached audit
    /// partitions, and the owner-only partition operations behind SECURITY DEFINER functions. SQL only: the jobs use SQL,
    /// so the model does not change. transactions_archive already exists (02_partitioned_tables.sql).
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261208030000_Retention")]
    public partial class Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("23_retention.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP FUNCTION IF EXISTS spark_drop_market_partition(text, date);
            DROP FUNCTION IF EXISTS spark_archive_audit_partitions(date);
            DROP TABLE IF EXISTS retention_runs;
            """);
    }
}
