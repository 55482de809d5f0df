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

/// <summary>
/// The input broke field rules (API 400 with an <c>errors</c> map); each field's messages, keyed by the API's camelCase
/// field names, are meant for the person who typed them.
/// </summary>
public sealed class FieldValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The request conflicts with the resource's current state (API 409): already final, already recorded.</summary>
public class ConflictException(string message) : DomainException(message);
