namespace Spark.Web.Api.Input;

/// <summary>
/// Checks what arrives outside JSON bodies: the path, query strings and posted forms (API and pages alike) must not carry NUL,
/// which PostgreSQL cannot store or compare (SQLSTATE 22021); and the API's bound query and route values must be of a sane size
/// and dates within <see cref="InputLimits"/>.
/// </summary>
public static class InputGuard
{
    public static IApplicationBuilder UseInputGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var field = FieldWithNul(http.Request);
        if (field is null && http.Request.HasFormContentType && http.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                await http.Request.ReadFormAsync(http.RequestAborted);
            }
            catch (InvalidDataException)
            {
                // ASP.NET Core's form reader itself refuses NUL (and over-long forms): the caller's error, not a 500.
                field = "form";
            }

        }

        if (field is null)
        {
            await next(http);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [InputLimits.NoNul] }).ExecuteAsync(http);
    });

    private static string? FieldWithNul(HttpRequest request)
    {
        if (request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true) return "path";
        foreach (var (key, values) in request.Query)
        {
            if (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)) return key.Replace("\0", "", StringComparison.Ordinal);
        }
        return null;
    }

    /// <summary>For the API group: bound simple values (query, route) checked against the limits, answered as a field error.</summary>
    public static TBuilder CheckInput<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var checks = factory.MethodInfo.GetParameters()
                .Select((p, i) => (Parameter: p, Index: i))
                .Where(x => IsSimple(x.Parameter.ParameterType))
                .ToArray();
            if (checks.Length == 0) return next;
            return async context =>
            {
                var errors = new Dictionary<string, string[]>();
                foreach (var (parameter, index) in checks)
                {
                    if (index >= context.Arguments.Count) continue;
                    if (Problem(context.Arguments[index]) is { } message) errors[parameter.Name!] = [message];
                }
                return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : await next(context);
            };
        });

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(DateOnly) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(decimal);
    }

    private static string? Problem(object? value) => value switch
    {
        string text when text.Length > InputLimits.MaxQueryValue => $"Use at most {InputLimits.MaxQueryValue} characters.",
        DateOnly date when !InputLimits.InRange(date) => InputLimits.DateRange,
        DateTimeOffset at when !InputLimits.InRange(at) => InputLimits.DateRange,
        DateTime at when !InputLimits.InRange(at) => InputLimits.DateRange,
        decimal number when ExactDecimal.Scale(number) > 8 || ExactDecimal.IntegerDigits(number) > 15 => "This number has too many digits.",
        _ => null,
    };
}
