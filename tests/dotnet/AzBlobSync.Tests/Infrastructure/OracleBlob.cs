using System.Text.Json.Serialization;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>One blob as Azure's Python SDK sees it (tests/oracle/blob_oracle.py inventory).</summary>
public sealed record OracleBlob
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("size")] public required long Size { get; init; }
    [JsonPropertyName("contentMd5")] public string? ContentMd5 { get; init; }
    [JsonPropertyName("md5OfContent")] public required string Md5OfContent { get; init; }
    [JsonPropertyName("contentType")] public string? ContentType { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; init; } = new();
    [JsonPropertyName("cacheControl")] public string? CacheControl { get; init; }
    [JsonPropertyName("accessTier")] public string? AccessTier { get; init; }
    [JsonPropertyName("tags")] public Dictionary<string, string> Tags { get; init; } = new();
    [JsonPropertyName("lastModified")] public required string LastModified { get; init; }
    [JsonPropertyName("etag")] public required string ETag { get; init; }
}
