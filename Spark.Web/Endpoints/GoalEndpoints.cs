namespace Spark.Web.Endpoints;

public static class GoalEndpoints
{
    public static RouteGroupBuilder MapGoalEndpoints(this RouteGroupBuilder api)
    {
        return api;
    }
}
