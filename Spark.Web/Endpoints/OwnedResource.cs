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

/// <summary>
/// Endpoint metadata: the route's parameter names shared reference data (a security's symbol) that every signed-in
/// user may read, so it belongs to no one.
/// </summary>
public sealed record SharedResource(string Kind);

public static class SharedResourceExtensions
{
    public static TBuilder Shared<TBuilder>(this TBuilder builder, string kind) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SharedResource(kind));
}
