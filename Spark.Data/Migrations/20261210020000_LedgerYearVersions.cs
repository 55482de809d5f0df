using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// ledger_year_versions: an investor's ledger version per financial year, bumped by triggers for the years a write
    /// touched, so a statement kept in memory survives writes dated after its year (decision 0066). SQL only: the model
    /// does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261210020000_LedgerYearVersions")]
    public partial class LedgerYearVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("26_ledger_year_versions.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS ledger_year_versions_on_insert ON transactions;
            DROP TRIGGER IF EXISTS ledger_year_versions_on_update ON transactions;
            DROP TRIGGER IF EXISTS ledger_year_versions_on_delete ON transactions;
            DROP TRIGGER IF EXISTS ledger_year_versions_on_investment_update ON investments;
            DROP FUNCTION IF EXISTS ledger_year_versions_bump();
            DROP FUNCTION IF EXISTS financial_year_start(date);
            DROP TABLE IF EXISTS ledger_year_versions;
            """);
    }
}
