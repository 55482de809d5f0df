using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Data.Identity;
using Spark.Data.Idempotency;

namespace Spark.Data.Configurations;

internal sealed class IdempotencyConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_keys");
        b.HasKey(x => new { x.UserId, x.Route, x.Key });
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Route).HasMaxLength(200);
        b.Property(x => x.Key).HasMaxLength(255);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.State).HasMaxLength(20);
        b.Property(x => x.ResponseContentType).HasMaxLength(100);
        b.HasCurrentTimestamps("CreatedAt");
        b.HasIndex(x => x.CreatedAt, "idx_idempotency_keys_created_at");
    }
}
