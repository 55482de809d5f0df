namespace Spark.Web.Endpoints;

/// <summary>
/// Endpoint metadata: the route's id parameter names a resource that belongs to one user. The
/// authorization matrix test reads it to check that another user gets 404 on every such endpoint.
/// </summary>
public sealed record OwnedResource(string Kind, string Parameter = "id");

public static class OwnedResourceExtensions
{
    public static TBuilder Owns<TBuilder>(this TBuilder builder, string kind, string parameter = "id") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnedResource(kind, parameter));
}
