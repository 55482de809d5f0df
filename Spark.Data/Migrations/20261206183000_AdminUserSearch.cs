using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spark.Data.Migrations
{
    /// <summary>
    /// Indexes for the back office's user search (decision 0041): trigram GIN over email, name and phone for
    /// "contains" searches, and created_at for the newest-first list. SQL only: the model does not change.
    /// </summary>
    [DbContext(typeof(SparkDbContext))]
    [Migration("20261206183000_AdminUserSearch")]
    public partial class AdminUserSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Run("12_admin_user_search.sql");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_users_created_at; DROP INDEX IF EXISTS idx_users_search_trgm;");
    }
}
