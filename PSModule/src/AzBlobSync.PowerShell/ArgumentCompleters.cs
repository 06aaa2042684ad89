using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AzBlobSync.PowerShell;

/// <summary>
/// -IncludePath and -ExcludePath: the folders and files under the source folder (-Path or -LiteralPath, already typed),
/// relative and '/'-separated as the filters take them, so a user picks a subfolder instead of spelling it.
/// </summary>
public sealed class RelativePathCompleter : IArgumentCompleter
{
    private const int MaxResults = 200;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? root = SourceFolder(fakeBoundParameters);
        if (root is null || !Directory.Exists(root))
        {
            return Array.Empty<CompletionResult>();
        }
        string typed = wordToComplete.Trim('\'', '"').Replace('\\', '/');
        int slash = typed.LastIndexOf('/');
        string parent = slash < 0 ? string.Empty : typed[..(slash + 1)];
        string folder = Path.Combine(root, parent);
        if (!Directory.Exists(folder))
        {
            return Array.Empty<CompletionResult>();
        }
        return new DirectoryInfo(folder).EnumerateFileSystemInfos()
            .Select(entry => (entry, relative: parent + entry.Name + (entry is DirectoryInfo ? "/" : string.Empty)))
            .Where(x => x.relative.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.entry is DirectoryInfo ? 0 : 1).ThenBy(x => x.relative, StringComparer.Ordinal)
            .Take(MaxResults)
            .Select(x => new CompletionResult(
                Quote(x.relative),
                x.relative,
                x.entry is DirectoryInfo ? CompletionResultType.ProviderContainer : CompletionResultType.ProviderItem,
                x.entry is DirectoryInfo ? $"Folder {x.relative} and everything below it" : $"File {x.relative}"))
            .ToList();
    }

    /// <summary>The source folder the user typed (-LiteralPath, or -Path), resolved against the current location.</summary>
    private static string? SourceFolder(IDictionary bound)
    {
        string? typed = (bound["LiteralPath"] ?? bound["Path"]) switch
        {
            string s => s,
            string[] { Length: 1 } a => a[0],
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }
        return Path.IsPathRooted(typed) ? Path.GetFullPath(typed) : Path.GetFullPath(typed, CurrentLocation() ?? Environment.CurrentDirectory);
    }

    /// <summary>PowerShell's current file-system location (not the process's), asked through a nested pipeline on the completing thread.</summary>
    private static string? CurrentLocation()
    {
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create(System.Management.Automation.RunspaceMode.CurrentRunspace);
            ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath");
            return ps.Invoke<string>().FirstOrDefault();
        }
        catch (Exception e) when (e is PSInvalidOperationException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Quote(string text) =>
        text.IndexOfAny(new[] { ' ', '\'', '$', '`', '(', ')', ';', ',', '&', '{', '}', '@', '#' }) >= 0 ? $"'{text.Replace("'", "''")}'" : text;
}

/// <summary>-MinAge and -MaxAge: the duration forms the parameters take (90s, 30m, 12h, 7d), most common first.</summary>
public sealed class DurationCompleter : IArgumentCompleter
{
    private static readonly (string Value, string Meaning)[] Durations =
    {
        ("1h", "one hour"), ("12h", "twelve hours"), ("1d", "one day"), ("7d", "seven days"), ("30d", "thirty days"), ("90d", "ninety days"),
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Durations.Where(d => d.Value.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d.Value, d.Value, CompletionResultType.ParameterValue, $"{parameterName} {d.Meaning}"));
}

/// <summary>-ContentType: the media types most often set by hand on uploads.</summary>
public sealed class ContentTypeCompleter : IArgumentCompleter
{
    private static readonly string[] ContentTypes =
    {
        "application/json", "application/octet-stream", "application/pdf", "application/xml", "application/zip", "application/gzip",
        "image/jpeg", "image/png", "image/svg+xml", "text/csv", "text/html", "text/plain", "video/mp4",
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ContentTypes.Where(t => t.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(t => new CompletionResult(t, t, CompletionResultType.ParameterValue, t));
}
