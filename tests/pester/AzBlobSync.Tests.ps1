#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
  For machines with pwsh and Pester 5: checks the laid-out module as PowerShell itself sees it.
  The same behaviour is tested without PowerShell by tests/dotnet (the only tests run in CI here);
  this file is never the only test of anything.

  Run after the build has laid out out/AzBlobSync:
    Invoke-Pester ./tests/pester/AzBlobSync.Tests.ps1
  Set AZBLOBSYNC_MODULE_PATH to test a module folder elsewhere.
#>

BeforeAll {
    $repoRoot = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $modulePath = $env:AZBLOBSYNC_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $repoRoot 'out' 'AzBlobSync' }
    $manifest = Join-Path $modulePath 'AzBlobSync.psd1'
    if (-not (Test-Path $manifest)) { throw "No module at $modulePath; run the build first." }
    Import-Module $manifest -Force -ErrorAction Stop
    $source = Join-Path ([IO.Path]::GetTempPath()) ("azbs-pester-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $source | Out-Null
    Set-Content -Path (Join-Path $source 'a.txt') -Value 'a'
}

AfterAll {
    Remove-Module AzBlobSync -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $source -ErrorAction SilentlyContinue
}

Describe 'Sync-AzBlob' {
    It 'is the only command the module exports' {
        (Get-Command -Module AzBlobSync).Name | Should -Be @('Sync-AzBlob')
    }

    It 'supports -WhatIf and -Confirm' {
        $command = Get-Command Sync-AzBlob
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'has -Path and -LiteralPath (alias PSPath) parameter sets' {
        $command = Get-Command Sync-AzBlob
        $command.ParameterSets.Name | Sort-Object | Should -Be @('LiteralPath', 'Path')
        $command.Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
    }

    It 'rejects -Concurrency outside 1..512 before doing anything' {
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -Concurrency 0 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a missing source folder with a stable error id' {
        { Sync-AzBlob -LiteralPath (Join-Path $source 'missing') -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.SourceNotFound,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a wildcard matching nothing as SourceNotFound' {
        { Sync-AzBlob -Path (Join-Path $source 'nothing-*') -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.SourceNotFound,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a malformed destination without showing the SAS signature' {
        $err = $null
        try { Sync-AzBlob -Path $source -Destination 'ftp://x/y?sig=TOPSECRET' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.Exception.Message | Should -Not -Match 'TOPSECRET'
    }

    It 'accepts a folder from the pipeline by PSPath' {
        $err = $null
        try { Get-Item $source | Sync-AzBlob -Destination 'not a url' -ErrorAction Stop } catch { $err = $_ }
        # Reaching the destination check proves the piped folder was accepted as the source.
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }
}
