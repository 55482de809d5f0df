using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// Corporate actions and the entries they wrote (decision 0042), and the securities master's search index.
    /// SQL only: the services read and write these tables with SQL, so the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261206201000_CorporateActions")]
    public partial class CorporateActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("13_corporate_actions.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS corporate_action_entries; DROP TABLE IF EXISTS corporate_actions;
                DROP INDEX IF EXISTS idx_securities_search_trgm; DROP INDEX IF EXISTS idx_securities_exchange;
                """);
    }
}
