using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// ledger_versions and reference_versions with the triggers that bump them: what the capital-gains statement cache
    /// checks before it serves a statement again (decision 0065). SQL only: the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261209040000_StatementVersions")]
    public partial class StatementVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("24_statement_versions.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS ledger_versions_on_insert ON transactions;
            DROP TRIGGER IF EXISTS ledger_versions_on_update ON transactions;
            DROP TRIGGER IF EXISTS ledger_versions_on_delete ON transactions;
            DROP TRIGGER IF EXISTS ledger_versions_on_investment_update ON investments;
            DROP TRIGGER IF EXISTS reference_versions_tax_on_securities ON securities;
            DROP TRIGGER IF EXISTS reference_versions_tax_on_grandfathered ON grandfathered_values;
            DROP TRIGGER IF EXISTS reference_versions_tax_on_corporate_actions ON corporate_actions;
            DROP TRIGGER IF EXISTS reference_versions_tax_on_2018_bar ON market_data_daily;
            DROP TRIGGER IF EXISTS reference_versions_tax_on_2018_bar_delete ON market_data_daily;
            DROP FUNCTION IF EXISTS ledger_versions_bump();
            DROP FUNCTION IF EXISTS reference_versions_bump_tax();
            DROP TABLE IF EXISTS ledger_versions;
            DROP TABLE IF EXISTS reference_versions;
            """);
    }
}
