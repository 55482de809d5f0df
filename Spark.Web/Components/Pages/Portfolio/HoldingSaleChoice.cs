namespace Spark.Web.Components.Pages.Portfolio;

/// <summary>What the investor chose in the sale dialog: the screen opens the paper ticket for the last two.</summary>
public enum HoldingSaleChoice { Recorded, Paper, Practice }
