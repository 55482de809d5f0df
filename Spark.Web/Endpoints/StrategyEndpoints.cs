namespace Spark.Web.Endpoints;

public static class StrategyEndpoints
{
    public static RouteGroupBuilder MapStrategyEndpoints(this RouteGroupBuilder api)
    {
        return api;
    }
}
