using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Security;
using System.Threading;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">Uploads new and changed files from a local folder to an Azure Blob Storage container.</para>
/// <para type="description">A one-way sync: files missing from the container, or whose size or modified time
/// differ, are uploaded; unchanged files are skipped. Nothing is deleted. Emits one TransferResult per
/// uploaded file, a non-terminating error per failed file, and a JobSummary at the end.</para>
/// </summary>
/// <remarks>Thin by design: resolving paths and mapping errors is all it does; <see cref="SyncCommand"/> does the rest.</remarks>
[Cmdlet(VerbsData.Sync, "AzBlob", SupportsShouldProcess = true, DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(TransferResult), typeof(JobSummary))]
public sealed class SyncAzBlobCommand : PSCmdlet, System.IDisposable
{
    private const string PathParameterSet = "Path";
    private const string LiteralPathParameterSet = "LiteralPath";

    private readonly CancellationTokenSource stopping = new();
    private int? concurrency;

    /// <summary>The local folder to sync; wildcards allowed but must match exactly one folder.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathParameterSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The local folder to sync, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    /// <summary>Container URL, optionally with a folder prefix and a SAS: https://account.blob.core.windows.net/container[/prefix][?sas].</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    [Parameter]
    public SwitchParameter PutMd5 { get; set; }

    /// <summary>Parallel requests (1-512); the engine picks a default from the machine when omitted.</summary>
    [Parameter]
    [ValidateRange(1, SyncOptions.MaxConcurrency)]
    public int Concurrency
    {
        get => concurrency ?? 0;
        set => concurrency = value;
    }

    /// <summary>Storage account key. Without it (and without a SAS) AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY is used.</summary>
    [Parameter]
    public SecureString? StorageAccountKey { get; set; }

    /// <summary>Also output unchanged (skipped) files.</summary>
    [Parameter]
    public SwitchParameter IncludeSkipped { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var options = new SyncOptions
            {
                Source = ResolveSource(),
                Destination = Destination,
                PutMd5 = PutMd5.IsPresent,
                Concurrency = concurrency,
                AccountKey = StorageAccountKey,
                IncludeSkipped = IncludeSkipped.IsPresent,
            };
            new SyncCommand(new CmdletCommandHost(this, IsWhatIfRequested())).Run(options, stopping.Token);
        }
        catch (AzBlobSyncException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }

    /// <summary>Ctrl+C: ask the engine to stop; ProcessRecord keeps polling until its summary arrives.</summary>
    protected override void StopProcessing() => stopping.Cancel();

    public void Dispose() => stopping.Dispose();

    private string ResolveSource()
    {
        ProviderInfo provider;
        if (ParameterSetName == LiteralPathParameterSet)
        {
            string literal = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath, out provider, out _);
            SourcePathResolution.EnsureFileSystem(LiteralPath, provider.Name);
            return literal;
        }
        Collection<string> resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(Path, out provider);
        }
        catch (ItemNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source folder '{Path}' does not exist; check the path.", Path);
        }
        catch (DriveNotFoundException e)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source folder '{Path}' does not exist: {e.Message}", Path);
        }
        SourcePathResolution.EnsureFileSystem(Path, provider.Name);
        return SourcePathResolution.SelectSingle(Path, resolved);
    }

    /// <summary>-WhatIf on this call, or $WhatIfPreference inherited from the caller.</summary>
    private bool IsWhatIfRequested()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? bound))
        {
            return LanguagePrimitives.IsTrue(bound);
        }
        return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
