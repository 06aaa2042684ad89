namespace AzBlobSync.Commands;

/// <summary>
/// One line of verbose text per file saying what the engine decided and why ("'a.txt': uploaded (new)",
/// "'b.txt': skipped (unchanged)", "'c.txt': would delete (extra)"), so -Verbose explains a run file by file.
/// Built only from the relative path, the action, the status and the engine's reason word: never a URL or a secret.
/// </summary>
public static class FileDecisionText
{
    public static string Describe(TransferResult file)
    {
        string verb = file.Action switch
        {
            TransferAction.Upload => "upload",
            TransferAction.Download => "download",
            TransferAction.Copy => "copy",
            TransferAction.Delete => "delete",
            _ => "transfer",
        };
        string outcome = file.Status switch
        {
            TransferStatus.Success => Past(verb),
            TransferStatus.WhatIf => "would " + verb,
            TransferStatus.Skipped => "skipped",
            TransferStatus.Failed => verb + " failed",
            TransferStatus.Cancelled => verb + " cancelled",
            _ => file.Status.ToString(),
        };
        return string.IsNullOrEmpty(file.Reason) ? $"'{file.Path}': {outcome}" : $"'{file.Path}': {outcome} ({file.Reason})";
    }

    private static string Past(string verb) => verb switch
    {
        "upload" => "uploaded",
        "download" => "downloaded",
        "copy" => "copied",
        "delete" => "deleted",
        _ => "transferred",
    };
}
