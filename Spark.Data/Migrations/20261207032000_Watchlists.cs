using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// watchlists and watchlist_items with row-level security by user (decision 0052). SQL only: the watchlist service
    /// reads and writes them with SQL, so the model (and its snapshot) does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261207032000_Watchlists")]
    public partial class Watchlists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("21_watchlists.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("DROP TABLE IF EXISTS watchlist_items; DROP TABLE IF EXISTS watchlists;");
    }
}
