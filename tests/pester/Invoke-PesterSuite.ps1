<#
.SYNOPSIS
    Runs every *.Tests.ps1 here with the Pester the build installed; the exit code is the number of failed tests.
.DESCRIPTION
    Entered by `xtask test` (./build.sh test) with the build's own pwsh and Pester (out/tools). The suite
    tests the laid-out module (out/AzBlobSync, or -ModulePath) against an Azurite it starts itself
    (TestHarness.psm1). Results also go to out/test-results/pester.xml (NUnit XML).
.EXAMPLE
    out/tools/pwsh/pwsh -File tests/pester/Invoke-PesterSuite.ps1 -PesterManifest out/tools/packages/pester/5.7.1/tools/Pester.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [string] $ModulePath,
    # Run only the test files whose names match (e.g. 'Help*'), for a quick loop while editing.
    [string] $Filter = '*'
)
$ErrorActionPreference = 'Stop'
$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
Import-Module (Resolve-Path $PesterManifest).Path -Force
if ($ModulePath) { $env:AZBLOBSYNC_MODULE_PATH = (Resolve-Path $ModulePath).Path }

$config = New-PesterConfiguration
$config.Run.Path = @(Get-ChildItem $PSScriptRoot -Filter "$Filter.Tests.ps1" | ForEach-Object FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$resultPath = Join-Path $repoRoot 'out' 'test-results' 'pester.xml'
New-Item -ItemType Directory -Force (Split-Path $resultPath) | Out-Null
$config.TestResult.OutputPath = $resultPath
# One Azurite (and oracle) for the whole run, shared by the files through the harness.
Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1')
$global:AzBlobSyncSharedAzurite = Start-TestAzurite -Own
try {
    $result = Invoke-Pester -Configuration $config
}
finally {
    Stop-TestAzurite $global:AzBlobSyncSharedAzurite -Shared
    $global:AzBlobSyncSharedAzurite = $null
    Remove-TestTempRoot
}
"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped in $([math]::Round($result.Duration.TotalSeconds, 1)) s"
# Failed blocks (a BeforeAll that threw) count too: their tests never ran.
exit ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
