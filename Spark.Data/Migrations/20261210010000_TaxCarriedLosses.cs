using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// tax_year_carried_losses: the section 74 losses brought into a financial year, kept beside the year openings and
    /// cleared by a trigger only when a transaction dated before that year changes; ledger_transactions, the live and the
    /// archived ledger as one (decision 0066). SQL only: the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261210010000_TaxCarriedLosses")]
    public partial class TaxCarriedLosses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("25_tax_carried_losses.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS tax_year_carried_losses_on_insert ON transactions;
            DROP TRIGGER IF EXISTS tax_year_carried_losses_on_update ON transactions;
            DROP TRIGGER IF EXISTS tax_year_carried_losses_on_delete ON transactions;
            DROP TRIGGER IF EXISTS tax_year_carried_losses_on_investment_update ON investments;
            DROP FUNCTION IF EXISTS tax_year_carried_losses_invalidate();
            DROP TABLE IF EXISTS tax_year_carried_losses;
            DROP VIEW IF EXISTS ledger_transactions;
            """);
    }
}
