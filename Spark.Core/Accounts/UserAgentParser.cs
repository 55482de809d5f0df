using System.Text.RegularExpressions;

namespace Spark.Core.Accounts;

public sealed record ClientDevice(DeviceType? DeviceType, string? Browser, string? Os, string? DeviceName)
{
    /// "Chrome 124 on Windows 10/11", "Safari 17 on iOS 17.4 (iPhone)", "curl 8.5": one line for the sessions list.
    public string Describe()
    {
        var browser = Browser is null or UserAgentParser.UnknownBrowser ? null : Browser;
        if (Os is null)
        {
            return browser ?? "Unknown device";
        }

        var line = $"{browser ?? "Unknown browser"} on {Os}";
        return DeviceName is null ? line : $"{line} ({DeviceName})";
    }
}

/// Best-effort reading of a User-Agent header for display only: the header is client-controlled,
/// so nothing here may be used for security decisions.
public static partial class UserAgentParser
{
    internal const string UnknownBrowser = "Unknown";

    // The header is attacker-controlled; a cap bounds the work every pattern below can do.
    private const int MaxLength = 1024;

    // Order matters: Edge, Opera and Samsung Internet are Chromium builds that also send "Chrome/",
    // and every Chromium, iOS and Firefox-on-iOS UA also sends "Safari/", so Safari comes last.
    // Chrome is "Chrome N" on every platform (CriOS and Android included): the form factor
    // already lives in DeviceType, so "Chrome Mobile" would only say it twice.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Edge/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
    ];

    public static ClientDevice Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return new ClientDevice(null, null, null, null);
        }

        var ua = userAgent.Length > MaxLength ? userAgent[..MaxLength] : userAgent;

        // Crawlers often impersonate a real phone or desktop; they are not a device the user owns.
        var bot = Bot().Match(ua);
        if (bot.Success)
        {
            return new ClientDevice(null, $"{bot.Groups[1].Value} {bot.Groups[2].Value}", null, null);
        }

        var client = ApiClient().Match(ua);
        if (client.Success)
        {
            var name = client.Groups[1].Value == "python-requests" ? "Python requests" : client.Groups[1].Value;
            return new ClientDevice(null, $"{name} {client.Groups[2].Value}", null, null);
        }

        var (type, os, device) = Platform(ua);
        return new ClientDevice(type, Browser(ua), os, device);
    }

    private static string Browser(string ua)
    {
        foreach (var (token, name) in Browsers)
        {
            if (MajorAfter(ua, token) is { } major)
            {
                return $"{name} {major}";
            }
        }

        // Safari carries its own version in "Version/", not in "Safari/" (that is the WebKit build).
        if (ua.Contains("Safari/", StringComparison.Ordinal) && MajorAfter(ua, "Version/") is { } safari)
        {
            return $"Safari {safari}";
        }

        return UnknownBrowser;
    }

    private static string? MajorAfter(string ua, string token)
    {
        var at = ua.IndexOf(token, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + token.Length;
        var end = start;
        while (end < ua.Length && char.IsAsciiDigit(ua[end]))
        {
            end++;
        }

        return end > start ? ua[start..end] : null;
    }

    private static (DeviceType? Type, string? Os, string? Device) Platform(string ua)
    {
        // Before Mac: iOS UAs say "like Mac OS X".
        var apple = AppleMobile().Match(ua);
        if (apple.Success)
        {
            var device = apple.Groups[1].Value;
            var minor = apple.Groups[3].Success ? apple.Groups[3].Value : "0";
            var version = $"{apple.Groups[2].Value}.{minor}";
            return device == "iPad"
                ? (DeviceType.Tablet, $"iPadOS {version}", device)
                : (DeviceType.Mobile, $"iOS {version}", device);
        }

        // Before Linux: Android UAs say "Linux". Android's own convention is that phones send
        // "Mobile" and tablets do not.
        var android = Android().Match(ua);
        if (android.Success)
        {
            var type = ua.Contains("Mobile", StringComparison.Ordinal) ? DeviceType.Mobile : DeviceType.Tablet;
            return (type, $"Android {android.Groups[1].Value}", AndroidModel(android.Groups[2]));
        }

        if (ua.Contains("CrOS", StringComparison.Ordinal))
        {
            return (DeviceType.Desktop, "ChromeOS", null);
        }

        var windows = Windows().Match(ua);
        if (windows.Success)
        {
            // NT 10.0 is sent by both Windows 10 and 11; only client hints can tell them apart.
            var os = windows.Groups[1].Value switch
            {
                "10.0" => "Windows 10/11",
                "6.1" => "Windows 7",
                _ => "Windows",
            };
            return (DeviceType.Desktop, os, null);
        }

        // iPadOS 13+ Safari asks for desktop sites with a Macintosh UA that is byte-for-byte a Mac's,
        // so such iPads are reported as Desktop: the header alone cannot do better.
        if (ua.Contains("Macintosh", StringComparison.Ordinal))
        {
            var mac = MacVersion().Match(ua);

            // Safari and Chrome freeze the version at 10_15_7 and Firefox at 10.15, whatever the real
            // macOS is, so 10.15 says nothing and a plain "macOS" is the honest answer.
            var frozen = !mac.Success || mac.Groups[1].Value == "10" && mac.Groups[2].Value == "15";
            return (DeviceType.Desktop, frozen ? "macOS" : $"macOS {mac.Groups[1].Value}.{mac.Groups[2].Value}", null);
        }

        if (ua.Contains("Linux", StringComparison.Ordinal) || ua.Contains("X11", StringComparison.Ordinal))
        {
            return (DeviceType.Desktop, "Linux", null);
        }

        return (null, null, null);
    }

    private static string? AndroidModel(Group model)
    {
        if (!model.Success)
        {
            return null;
        }

        // Samsung Internet prefixes the model with the brand; the model number is what users recognise.
        var name = model.Value.StartsWith("SAMSUNG ", StringComparison.OrdinalIgnoreCase) ? model.Value[8..] : model.Value;

        // Chrome's reduced UA replaces every model with "K"; Firefox puts its form factor in that slot.
        return name is "K" or "Mobile" or "Tablet" or "" ? null : name;
    }

    // "bot" must be followed by a version so that phone brands such as Cubot are not taken for crawlers.
    [GeneratedRegex(@"\b([A-Za-z][\w-]*bot[\w-]*)/(\d+(?:\.\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Bot();

    [GeneratedRegex(@"^(curl|okhttp|python-requests|PostmanRuntime)/(\d+(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex ApiClient();

    [GeneratedRegex(@"\((iPhone|iPod|iPad);[^)]*? OS (\d+)(?:_(\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex AppleMobile();

    // The model follows the version, optionally after an old-style locale ("ko-kr") and before " Build/...".
    [GeneratedRegex(@"Android (\d+(?:\.\d+)*)(?:;(?: [a-z]{2}[-_][A-Za-z]{2};)? ([^;)]+?)(?: Build/[^;)]*)?[;)])?", RegexOptions.CultureInvariant)]
    private static partial Regex Android();

    [GeneratedRegex(@"Windows NT (\d+\.\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Windows();

    [GeneratedRegex(@"Mac OS X (\d+)[_.](\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex MacVersion();
}
