using System.Net;
using System.Text;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>api.md: a malformed request is a 400 problem, never a 500.</summary>
public sealed class ProblemAnswerTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Theory]
    [InlineData("auth/login", "not json", false)]
    [InlineData("orders", "{\"symbol\": \"TCS\", \"quantity\": \"ten\"}", true)]
    [InlineData("transactions", "[1, 2", true)]
    public async Task A_body_that_is_not_json_of_the_right_shape_is_a_400_problem(string path, string body, bool signedIn)
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        if (signedIn) await api.LoginAsync(user.Email!, TestData.Password);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, problem!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_a_400_field_error_naming_the_parameter()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);

        var (status, problem) = await api.GetAsync("transactions?page=first");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("int", problem!["errors"]!["page"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
