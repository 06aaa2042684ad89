using System.Text.RegularExpressions;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Module;

/// <summary>Reads the few keys the tests check from AzBlobSync.psd1's text (no PowerShell here to import it).</summary>
public sealed partial class ModuleManifest
{
    private ModuleManifest(string text)
    {
        Text = text;
    }

    public static string Path => RepoRoot.Combine("PSModule", "AzBlobSync.psd1");

    public string Text { get; }

    public static ModuleManifest Load() => new(File.ReadAllText(Path));

    /// <summary>The string value of a top-level <c>Key = 'value'</c>.</summary>
    public string Scalar(string key)
    {
        var match = Regex.Match(Text, $@"(?m)^\s*{Regex.Escape(key)}\s*=\s*'([^']*)'");
        Assert.True(match.Success, $"{key} = '...' not found in the manifest");
        return match.Groups[1].Value;
    }

    /// <summary>The items of a top-level <c>Key = @('a', 'b')</c> (empty for <c>@()</c>).</summary>
    public IReadOnlyList<string> Array(string key)
    {
        var match = Regex.Match(Text, $@"(?m)^\s*{Regex.Escape(key)}\s*=\s*@\(([^)]*)\)");
        Assert.True(match.Success, $"{key} = @(...) not found in the manifest");
        return QuotedItem().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedItem();
}
