<#
.SYNOPSIS
    The PowerShell half of `./build.sh demo`: the module as a user meets it. Imports the laid-out module, syncs the
    sample folder into a container of the demo's Azurite, shows the results through the module's table views, and
    syncs again to show that nothing is transferred.
.DESCRIPTION
    The account key comes from the AZCOPY_ACCOUNT_KEY environment variable set by the demo (it is Azurite's public
    development key); a user would pass -StorageAccountKey with a SecureString from a vault instead.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Sample,
    [Parameter(Mandatory)] [string] $ContainerUrl
)
$ErrorActionPreference = 'Stop'

function Show-Step([string] $text) { Write-Host "`nPS> $text" -ForegroundColor Cyan }

Show-Step "Import-Module $ModulePath"
Import-Module (Join-Path $ModulePath 'AzBlobSync.psd1')
Get-Command -Module AzBlobSync | Format-Table CommandType, Name, Version -AutoSize | Out-Host

$key = ConvertTo-SecureString $env:AZCOPY_ACCOUNT_KEY -AsPlainText -Force
# As a 150-column console shows them (this output may not be a terminal, which would mean 80 columns).
function Show-Table { $input | Out-String -Width 150 | Write-Host -NoNewline }

Show-Step "`$out = Sync-AzBlob -Path $Sample -Destination $ContainerUrl -StorageAccountKey `$key -PutMd5"
$out = Sync-AzBlob -Path $Sample -Destination $ContainerUrl -StorageAccountKey $key -PutMd5
Show-Step '$out | Where-Object { $_ -is [AzBlobSync.TransferResult] }   # one per file'
$out | Where-Object { $_ -is [AzBlobSync.TransferResult] } | Show-Table
Show-Step '$out | Where-Object { $_ -is [AzBlobSync.JobSummary] }       # one per job'
$out | Where-Object { $_ -is [AzBlobSync.JobSummary] } | Show-Table

Show-Step "Sync-AzBlob -Path $Sample -Destination $ContainerUrl -StorageAccountKey `$key   # again: nothing to transfer"
$again = Sync-AzBlob -Path $Sample -Destination $ContainerUrl -StorageAccountKey $key
$again | Show-Table

Show-Step "Test-AzBlobSync -Path $Sample -Destination $ContainerUrl -StorageAccountKey `$key -Quiet"
Test-AzBlobSync -Path $Sample -Destination $ContainerUrl -StorageAccountKey $key -Quiet | Out-Host

$summary = $again | Where-Object { $_ -is [AzBlobSync.JobSummary] }
if ($summary.FilesTransferred -ne 0) { throw "the rerun transferred $($summary.FilesTransferred) file(s); it should transfer none" }
