namespace Spark.Web.Services.Cluster;

/// <summary>
/// Whether this instance owns the paper exchange and the simulator (the one that moves prices and publishes ticks).
/// The election across instances is another piece of work (issue 17, the PostgreSQL advisory lock); until it lands,
/// and always in one process, this instance is the owner.
/// </summary>
public interface IExchangeRole
{
    bool IsOwner { get; }
}

/// <summary>One process: it owns everything.</summary>
public sealed class SingleProcessExchangeRole : IExchangeRole
{
    public bool IsOwner => true;
}
