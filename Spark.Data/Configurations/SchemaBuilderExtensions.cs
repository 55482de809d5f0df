using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spark.Data.Configurations;

internal static class SchemaBuilderExtensions
{
    /// <summary>id UUID PRIMARY KEY DEFAULT gen_random_uuid() (C# assigns version-7 ids; the default serves raw SQL).</summary>
    public static EntityTypeBuilder<T> HasUuidKey<T>(this EntityTypeBuilder<T> b) where T : class
    {
        b.HasKey("Id");
        b.Property<Guid>("Id").HasDefaultValueSql("gen_random_uuid()");
        return b;
    }

    /// <summary>TIMESTAMP DEFAULT CURRENT_TIMESTAMP columns (stored as timestamptz, stamped in UTC by the context).</summary>
    public static EntityTypeBuilder<T> HasCurrentTimestamps<T>(this EntityTypeBuilder<T> b, params string[] properties) where T : class
    {
        foreach (var name in properties.Length == 0 ? ["CreatedAt", "UpdatedAt"] : properties)
        {
            b.Property<DateTimeOffset>(name).HasDefaultValueSql("CURRENT_TIMESTAMP");
        }
        return b;
    }

    public static PropertyBuilder<decimal> Numeric(this PropertyBuilder<decimal> p, int precision, int scale) => p.HasPrecision(precision, scale);

    public static PropertyBuilder<decimal?> Numeric(this PropertyBuilder<decimal?> p, int precision, int scale) => p.HasPrecision(precision, scale);
}
