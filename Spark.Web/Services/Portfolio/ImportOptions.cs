using System.Globalization;

namespace Spark.Web.Services.Portfolio;

/// <summary>Limits of CSV imports (<c>Spark:Imports</c>), the API's and the web page's alike.</summary>
public sealed class ImportOptions
{
    public const string Section = "Spark:Imports";

    /// <summary>
    /// 16 MiB: room for the largest tradebooks seen (a 10 MB file of 235,480 rows) while bounding how long one
    /// import holds its transaction; memory does not grow with it (decision 0038).
    /// </summary>
    public const long DefaultMaxUploadBytes = 16 * 1024 * 1024;

    /// <summary>The largest CSV file one import takes, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;

    /// <summary>"16 MB", as the limit is told to people.</summary>
    public string MaxUploadText => MaxUploadBytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{MaxUploadBytes / (1024m * 1024m):0.#} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(MaxUploadBytes / 1024m):0} KB");

    /// <summary>The answer to a file over the limit.</summary>
    public string TooLargeMessage => $"The file is larger than {MaxUploadText}, the most one import takes; split it into smaller files and import each.";
}
