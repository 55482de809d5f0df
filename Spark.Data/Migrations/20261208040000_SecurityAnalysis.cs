using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// Security analysis (decision 0060): shared ai_analyses rows written only by system work and unique per security and
    /// type; app_settings for the back office's run-time switches. SQL only: the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261208040000_SecurityAnalysis")]
    public partial class SecurityAnalysis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("23_analysis.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP TABLE IF EXISTS app_settings;
            DROP INDEX IF EXISTS ux_ai_analyses_security_shared;
            DROP POLICY IF EXISTS ai_analyses_shared_read_policy ON ai_analyses;
            DROP POLICY IF EXISTS ai_analyses_isolation_policy ON ai_analyses;
            CREATE POLICY ai_analyses_isolation_policy ON ai_analyses FOR ALL
              USING (user_id IS NULL OR user_id = current_user_id() OR rls_bypassed());
            """);
    }
}
