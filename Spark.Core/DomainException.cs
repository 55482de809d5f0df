namespace Spark.Core;

/// <summary>
/// The input broke a rule of the investment domain (as opposed to a bug), so its message is written for the user
/// and can be shown as it is.
/// </summary>
public class DomainException : Exception
{
    public DomainException()
    {
    }

    public DomainException(string message)
        : base(message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
