using System.Text.Json;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary><c>tests/azurite.json</c>: the one definition every suite starts Azurite from (binary, arguments, development account, start-up time).</summary>
public sealed record AzuriteDefinition(string Binary, IReadOnlyList<string> Arguments, string Account, string AccountKey, int StartTimeoutSeconds)
{
    private static readonly Lazy<AzuriteDefinition> Shared = new(() =>
        JsonSerializer.Deserialize<AzuriteDefinition>(File.ReadAllText(RepoRoot.Combine("tests", "azurite.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidDataException("tests/azurite.json is empty."));

    public static AzuriteDefinition Load() => Shared.Value;
}
