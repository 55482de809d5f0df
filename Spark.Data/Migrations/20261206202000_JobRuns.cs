using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// job_runs: one row per Quartz job run, for the back office's jobs page (decision 0043). SQL only: the table is
    /// read and written with SQL by the job listener and the jobs service, so the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261206202000_JobRuns")]
    public partial class JobRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("13_job_runs.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE IF EXISTS job_runs;");
    }
}
