using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// tax_year_openings: each holding's lots open at a financial year's start, kept by the capital-gains statement and
    /// cleared by a trigger on transactions when an earlier row changes (decision 0055). SQL only: the statement reads and
    /// writes it with SQL, so the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261207040000_TaxYearOpenings")]
    public partial class TaxYearOpenings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("22_tax_year_openings.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS tax_year_openings_on_insert ON transactions;
            DROP TRIGGER IF EXISTS tax_year_openings_on_update ON transactions;
            DROP TRIGGER IF EXISTS tax_year_openings_on_delete ON transactions;
            DROP FUNCTION IF EXISTS tax_year_openings_invalidate();
            DROP TABLE IF EXISTS tax_year_openings;
            """);
    }
}
