namespace Spark.Web.Endpoints;

/// <summary>
/// Files the signed-in web app downloads with its cookie (the API is bearer-only, and a browser download link
/// cannot carry a bearer token): CSV exports.
/// </summary>
public static class WebDownloads
{
    public static IEndpointRouteBuilder MapWebDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
