using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// grandfathered_values: admin-entered 31 January 2018 fair market values per ISIN for section 55(2)(ac) (decision 0048).
    /// SQL only: the grandfathering services read and write the table with SQL, so the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261207020000_GrandfatheredValues")]
    public partial class GrandfatheredValues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("20_grandfathered_values.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE IF EXISTS grandfathered_values;");
    }
}
