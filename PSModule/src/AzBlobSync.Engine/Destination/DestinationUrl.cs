using System;
using System.Linq;
using System.Net;
using AzBlobSync.Errors;

namespace AzBlobSync.Destination;

/// <summary>
/// A container URL (an upload's destination or a download's source) checked before the engine sees it, with the same rules as the engine
/// (native/core/src/container_url.rs): https (or http for an emulator), host style
/// <c>https://acct.blob.core.windows.net/container/prefix</c> or path style
/// <c>http://127.0.0.1:10000/acct/container/prefix</c>, a valid container name, an optional SAS.
/// </summary>
public sealed class DestinationUrl
{
    private const string Expected = "https://<account>.blob.core.windows.net/<container>[/<prefix>][?<SAS>]";

    private DestinationUrl(string account, string container, string prefix, bool hasSas, string display)
    {
        Account = account;
        Container = container;
        Prefix = prefix;
        HasSas = hasSas;
        Display = display;
    }

    public string Account { get; }

    public string Container { get; }

    /// <summary>Virtual folder inside the container, no leading or trailing '/'; may be empty.</summary>
    public string Prefix { get; }

    public bool HasSas { get; }

    /// <summary>The URL for people: the SAS signature replaced by a marker.</summary>
    public string Display { get; }

    public override string ToString() => Display;

    /// <summary>Parses an upload's destination or throws <see cref="AzBlobSyncException"/> with <see cref="ErrorIds.InvalidDestination"/>.</summary>
    public static DestinationUrl Parse(string? raw) => Parse(raw, "Destination", ErrorIds.InvalidDestination);

    /// <summary>Parses a download's source (same rules) or throws <see cref="AzBlobSyncException"/> with <see cref="ErrorIds.InvalidSource"/>.</summary>
    public static DestinationUrl ParseSource(string? raw) => Parse(raw, "Source", ErrorIds.InvalidSource);

    private static DestinationUrl Parse(string? raw, string role, string errorId)
    {
        string shown = SecretRedaction.RedactSignatures(raw?.Trim());
        AzBlobSyncException Invalid(string why) => new(
            errorId,
            $"{role} '{shown}' is not a valid container URL: {why}. Expected {Expected}.",
            shown);

        if (string.IsNullOrWhiteSpace(raw))
        {
            throw Invalid("it is empty");
        }
        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out Uri? uri) || uri.IsFile || uri.IsUnc)
        {
            throw Invalid("it is not an absolute URL");
        }
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            throw Invalid("the scheme must be https (or http for a local emulator)");
        }
        if (string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("it has no host");
        }
        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString)
            .ToArray();
        string account;
        string[] rest;
        if (IsPathStyleHost(uri))
        {
            if (segments.Length == 0)
            {
                throw Invalid("the path has no account name");
            }
            account = segments[0];
            rest = segments[1..];
        }
        else
        {
            account = uri.Host.Split('.')[0];
            rest = segments;
        }
        if (rest.Length == 0)
        {
            throw Invalid("the path has no container name");
        }
        string container = rest[0];
        string? nameProblem = ContainerNameProblem(container);
        if (nameProblem is not null)
        {
            throw Invalid(nameProblem);
        }
        bool hasSas = uri.Query.Length > 1;
        return new DestinationUrl(account, container, string.Join('/', rest[1..]), hasSas, shown);
    }

    /// <summary>Emulators and custom endpoints address the account in the path (loopback names and IP literals).</summary>
    private static bool IsPathStyleHost(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(uri.Host, out _);

    /// <summary>The service's rules: 3-63 lowercase letters, digits and single hyphens, alphanumeric at both ends.</summary>
    internal static string? ContainerNameProblem(string name)
    {
        if (name is "$root" or "$web" or "$logs")
        {
            return null;
        }
        bool validCharacters = name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
        bool validEnds = name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
        if (name.Length is < 3 or > 63 || !validCharacters || !validEnds || name.Contains("--", StringComparison.Ordinal))
        {
            return $"container name '{name}' is not valid (3-63 lowercase letters, digits and single hyphens)";
        }
        return null;
    }
}
