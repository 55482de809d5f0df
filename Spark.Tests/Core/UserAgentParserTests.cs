using Spark.Core.Accounts;

namespace Spark.Tests.Core;

public sealed class UserAgentParserTests
{
    private const string ChromeOnWindows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

    private const string SafariOnIPhone =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";

    // Strings as browsers and tools send them; the first column only names the case in test output.
    [Theory]
    [InlineData("Chrome on Windows", ChromeOnWindows, DeviceType.Desktop, "Chrome 124", "Windows 10/11", null)]
    [InlineData("Edge on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        DeviceType.Desktop, "Edge 124", "Windows 10/11", null)]
    [InlineData("Legacy EdgeHTML on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19042",
        DeviceType.Desktop, "Edge 18", "Windows 10/11", null)]
    [InlineData("Firefox on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        DeviceType.Desktop, "Firefox 125", "Windows 10/11", null)]
    [InlineData("Opera on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0",
        DeviceType.Desktop, "Opera 109", "Windows 10/11", null)]
    [InlineData("Chrome on Windows 7",
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
        DeviceType.Desktop, "Chrome 109", "Windows 7", null)]
    [InlineData("Firefox on Linux",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        DeviceType.Desktop, "Firefox 125", "Linux", null)]
    [InlineData("Chrome on Linux",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        DeviceType.Desktop, "Chrome 124", "Linux", null)]
    [InlineData("Chrome on macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        DeviceType.Desktop, "Chrome 124", "macOS", null)]
    [InlineData("Safari on macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        DeviceType.Desktop, "Safari 17", "macOS", null)]
    [InlineData("Firefox on macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0",
        DeviceType.Desktop, "Firefox 125", "macOS", null)]
    [InlineData("Safari on an unfrozen macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1.2 Safari/605.1.15",
        DeviceType.Desktop, "Safari 14", "macOS 10.14", null)]
    [InlineData("Chrome on ChromeOS",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        DeviceType.Desktop, "Chrome 124", "ChromeOS", null)]
    [InlineData("Safari on iPhone", SafariOnIPhone, DeviceType.Mobile, "Safari 17", "iOS 17.4", "iPhone")]
    [InlineData("Chrome on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        DeviceType.Mobile, "Chrome 124", "iOS 17.4", "iPhone")]
    [InlineData("Firefox on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
        DeviceType.Mobile, "Firefox 125", "iOS 17.4", "iPhone")]
    [InlineData("Edge on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.0.2478.50 Mobile/15E148 Safari/605.1.15",
        DeviceType.Mobile, "Edge 124", "iOS 17.4", "iPhone")]
    [InlineData("Safari on iPad",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        DeviceType.Tablet, "Safari 17", "iPadOS 17.4", "iPad")]
    [InlineData("Chrome on a Pixel phone",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
        DeviceType.Mobile, "Chrome 124", "Android 14", "Pixel 8")]
    [InlineData("Chrome on Android with the reduced UA",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        DeviceType.Mobile, "Chrome 124", "Android 10", null)]
    [InlineData("Edge on Android",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.0.0",
        DeviceType.Mobile, "Edge 124", "Android 10", null)]
    [InlineData("Samsung Internet on a Galaxy",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        DeviceType.Mobile, "Samsung Internet 24", "Android 14", "SM-S918B")]
    [InlineData("Firefox on an Android phone",
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        DeviceType.Mobile, "Firefox 125", "Android 14", null)]
    [InlineData("Chrome on an Android tablet",
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        DeviceType.Tablet, "Chrome 124", "Android 13", "SM-X700")]
    [InlineData("Chrome on an older Android tablet with a build id",
        "Mozilla/5.0 (Linux; Android 7.0; SM-T827V Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.81 Safari/537.36",
        DeviceType.Tablet, "Chrome 51", "Android 7.0", "SM-T827V")]
    [InlineData("curl", "curl/8.5.0", null, "curl 8.5", null, null)]
    [InlineData("okhttp", "okhttp/4.12.0", null, "okhttp 4.12", null, null)]
    [InlineData("python-requests", "python-requests/2.31.0", null, "Python requests 2.31", null, null)]
    [InlineData("Postman", "PostmanRuntime/7.37.3", null, "PostmanRuntime 7.37", null, null)]
    [InlineData("Googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        null, "Googlebot 2.1", null, null)]
    [InlineData("Googlebot posing as an Android phone",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        null, "Googlebot 2.1", null, null)]
    [InlineData("Bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        null, "bingbot 2.0", null, null)]
    [InlineData("Empty header", "", null, null, null, null)]
    public void A_real_user_agent_gives_its_device_type_browser_os_and_device_name(
        string client, string userAgent, DeviceType? deviceType, string? browser, string? os, string? deviceName)
    {
        _ = client;

        var device = UserAgentParser.Parse(userAgent);

        Assert.Equal(new ClientDevice(deviceType, browser, os, deviceName), device);
    }

    [Fact]
    public void Describe_gives_a_one_line_summary_for_a_desktop_a_phone_and_an_api_client()
    {
        Assert.Equal("Chrome 124 on Windows 10/11", UserAgentParser.Parse(ChromeOnWindows).Describe());
        Assert.Equal("Safari 17 on iOS 17.4 (iPhone)", UserAgentParser.Parse(SafariOnIPhone).Describe());
        Assert.Equal("curl 8.5", UserAgentParser.Parse("curl/8.5.0").Describe());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_header_is_an_unknown_device(string? userAgent)
    {
        var device = UserAgentParser.Parse(userAgent);

        Assert.Equal(new ClientDevice(null, null, null, null), device);
        Assert.Equal("Unknown device", device.Describe());
    }

    [Fact]
    public void An_unrecognised_header_has_an_unknown_browser_and_describes_as_an_unknown_device()
    {
        var device = UserAgentParser.Parse("SomeInternalTool");

        Assert.Equal(new ClientDevice(null, "Unknown", null, null), device);
        Assert.Equal("Unknown device", device.Describe());
    }

    [Fact]
    public void A_known_os_with_an_unknown_browser_still_names_the_os()
    {
        var device = UserAgentParser.Parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64)");

        Assert.Equal("Unknown browser on Windows 10/11", device.Describe());
    }

    [Fact]
    public void Anything_past_the_first_kilobyte_is_ignored()
    {
        var padded = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + new string('x', 2000) + " Chrome/124.0.0.0 Safari/537.36";

        var device = UserAgentParser.Parse(padded);

        Assert.Equal(new ClientDevice(DeviceType.Desktop, "Unknown", "Windows 10/11", null), device);
    }

    [Theory]
    [InlineData("(((((((((((")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS _ like Mac OS X)")]
    [InlineData("Mozilla/5.0 (Linux; Android ;;;;)")]
    [InlineData("Chrome/ Edg/ OPR/ Version/ Safari/")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X) Version/ Safari/")]
    [InlineData("bot/ Googlebot/ curl/")]
    public void Malformed_headers_do_not_throw(string userAgent)
    {
        var error = Record.Exception(() => UserAgentParser.Parse(userAgent).Describe());

        Assert.Null(error);
    }

    [Fact]
    public void A_megabyte_header_is_read_from_its_start()
    {
        var huge = string.Concat(Enumerable.Repeat(ChromeOnWindows + " ", 10_000));

        var device = UserAgentParser.Parse(huge);

        Assert.Equal(new ClientDevice(DeviceType.Desktop, "Chrome 124", "Windows 10/11", null), device);
    }
}
