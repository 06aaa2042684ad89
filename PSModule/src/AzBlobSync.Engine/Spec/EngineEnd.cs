using System.Text.Json.Serialization;

namespace AzBlobSync.Spec;

/// <summary>
/// One end of a job as the engine parsed it (<c>azbs_spec_check</c>): a local path, or an Azure
/// container with a virtual-folder prefix. The .NET layer reads these instead of parsing URLs itself.
/// </summary>
public sealed record EngineEnd
{
    /// <summary><c>local</c> or <c>azureContainer</c>.</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>For people: the path, or the URL as given with its SAS signature redacted.</summary>
    public string Display { get; init; } = string.Empty;

    /// <summary>A local end's path, as sent.</summary>
    public string? Path { get; init; }

    public string Account { get; init; } = string.Empty;

    public string Container { get; init; } = string.Empty;

    /// <summary>Virtual folder inside the container, no leading or trailing '/'; may be empty.</summary>
    public string Prefix { get; init; } = string.Empty;

    public bool HasSas { get; init; }

    /// <summary>A source written <c>url/prefix/*</c>: the prefix's contents.</summary>
    public bool ContentsOnly { get; init; }

    /// <summary>The URL's path ends with '/': it names a folder.</summary>
    public bool NamesFolder { get; init; }

    [JsonIgnore]
    public bool IsContainer => Kind == "azureContainer";

    public override string ToString() => Display;
}
