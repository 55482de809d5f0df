using Spark.Web.Services.Orders;

namespace Spark.Web.Services.Cluster;

/// <summary>
/// Whether this instance moves the simulated prices and publishes its ticks to the others. Without Redis (one process,
/// the default) every instance ticks the same pure prices itself (<see cref="SingleProcessExchangeRole"/>); with Redis
/// only the paper exchange's elected owner does (decision 0056), and the others receive its ticks (decision 0057).
/// </summary>
public interface IExchangeRole
{
    bool IsOwner { get; }
}

/// <summary>One process, or instances without Redis: each ticks for itself.</summary>
public sealed class SingleProcessExchangeRole : IExchangeRole
{
    public bool IsOwner => true;
}

/// <summary>
/// With Redis: the election decides (<see cref="ExchangeOwnership"/>). A standby ticks for itself again while Redis is
/// away, so its pages keep moving (degraded: each instance serves its own ticks), and while no election has been decided
/// (the database away) every instance ticks rather than none.
/// </summary>
public sealed class ElectedExchangeRole(ExchangeOwnership ownership, IClusterBus bus) : IExchangeRole
{
    public bool IsOwner => ownership.Role.Kind != ExchangeRoleKind.Standby || bus is RedisClusterBus { IsConnected: false };
}
