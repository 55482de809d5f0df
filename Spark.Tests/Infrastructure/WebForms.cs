using System.Net;
using System.Text.RegularExpressions;

namespace Spark.Tests.Infrastructure;

/// <summary>The account pages' static forms as a browser posts them: the antiforgery token and the sign-in form.</summary>
public static partial class WebForms
{
    public static string AntiforgeryToken(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    public static FormUrlEncodedContent Login(string token, string email, string password) => new(new Dictionary<string, string>
    {
        ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
    });

    /// <summary>Signs <paramref name="browser"/> in through the sign-in page and checks where it lands.</summary>
    public static async Task SignInAsync(HttpClient browser, string email, string password, string landing = "/dashboard")
    {
        ArgumentNullException.ThrowIfNull(browser);
        var form = await browser.GetStringAsync("Account/Login");
        var response = await browser.PostAsync("Account/Login", Login(AntiforgeryToken(form), email, password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith(landing, response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
