using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">Compares a local folder with an Azure Blob Storage container and reports every difference, writing nothing.</para>
/// <para type="description">Takes the same ends and filters as Sync-AzBlob (upload: -Path or -LiteralPath and a container
/// URL in -Destination; download: -SourceUri and a local folder in -Destination; between containers: -SourceUri and a
/// container URL in -DestinationUri) and emits one SyncDifference per name
/// that differs: Missing (at the source only), Changed (size or modified time) or Extra (at the destination only), with
/// the reason and what a sync would do; with -CompareHash MD5, same-sized pairs are compared by content (the only thing
/// a check writes is then the local hash cache). Nothing at all when they match. With -Quiet it emits only $true (in sync: no
/// difference and every file compared) or $false. A file that cannot be read is a non-terminating error. Read-only, so
/// it has no -WhatIf or -Confirm.</para>
/// </summary>
/// <para type="output" name="System.Boolean">With -Quiet: $true when source and destination are in sync, $false otherwise.</para>
/// <example>
/// <para type="title">Verify after the nightly sync</para>
/// <code>if (-not (Test-AzBlobSync -Path D:\Exports -Destination $url -StorageAccountKey $key -Quiet)) { Write-Error 'exports are not in Azure'; exit 1 }</code>
/// <para>Compares the folder with the container and exits 1 when anything differs: the verify step of a scheduled job.</para>
/// </example>
/// <example>
/// <para type="title">List what differs, and why</para>
/// <code>Test-AzBlobSync -Path D:\Exports -Destination $url -StorageAccountKey $key -CompareHash MD5 | Group-Object Kind</code>
/// <para>One SyncDifference per name that is Missing from the container, Changed (by content, with -CompareHash MD5) or
/// Extra in the container, grouped by kind. Nothing is written.</para>
/// </example>
/// <remarks>Thin by design: parameters in, <see cref="CheckCommand"/> does the rest.</remarks>
[Cmdlet(VerbsDiagnostic.Test, "AzBlobSync", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(SyncDifference), typeof(bool))]
public sealed class TestAzBlobSyncCommand : EndpointCmdletBase
{
    /// <summary>Emit only $true (in sync) or $false instead of the differences.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord() => RunCommand(() =>
        new CheckCommand(CreateHost(isWhatIf: false)).Run(BuildOptions(), Quiet.IsPresent, StopToken));
}
