#Requires -Version 7.4
<#
  Tab completion as a user gets it (TabExpansion2, what the console calls on Tab): the filters' relative paths
  under the typed source folder, the duration forms, content types, and the enum values of every enum parameter.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $source = New-TestFolder @{ 'logs/a.log' = 1; 'logs/old/b.log' = 1; 'reports/q1.csv' = 1; 'my folder/x.txt' = 1; 'readme.txt' = 1 }
    function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches }
}

AfterAll {
    Remove-Item -Recurse -Force $source -ErrorAction SilentlyContinue
}

Describe 'Argument completers' {
    It '-ExcludePath offers the folders and files under -Path, folders first, relative with /' {
        $matches = Complete "Sync-AzBlob -Path '$source' -Destination https://a.blob.core.windows.net/c -ExcludePath "
        $matches.CompletionText | Should -Be @('logs/', "'my folder/'", 'reports/', 'readme.txt')
    }

    It 'resolves a relative source folder against the PowerShell location' {
        Push-Location $source
        try { (Complete "Sync-AzBlob -Path . -Destination https://a.blob.core.windows.net/c -ExcludePath re").CompletionText | Should -Be @('reports/', 'readme.txt') }
        finally { Pop-Location }
    }

    It '-IncludePath goes down into the folder typed so far, with -LiteralPath too' {
        $matches = Complete "Test-AzBlobSync -LiteralPath '$source' -Destination https://a.blob.core.windows.net/c -IncludePath logs/"
        $matches.CompletionText | Should -Be @('logs/old/', 'logs/a.log')
    }

    It 'offers nothing for the filters before a source folder is typed' {
        @(Complete 'Sync-AzBlob -SourceUri https://a.blob.core.windows.net/c -Destination x -IncludePath ').Count | Should -Be 0
    }

    It '-MinAge offers the duration forms it takes' {
        (Complete 'Sync-AzBlob -MinAge ').CompletionText | Should -Contain '7d'
        (Complete 'Copy-AzBlob -MaxAge 1').CompletionText | Should -Be @('1h', '12h', '1d')
    }

    It '-ContentType offers media types' {
        (Complete 'Copy-AzBlob -ContentType application/p').CompletionText | Should -Be @('application/pdf')
    }

    It '-Vault and -SecretName complete from SecretManagement once it is loaded, and offer nothing before' {
        Remove-Module Microsoft.PowerShell.SecretManagement -ErrorAction SilentlyContinue
        (Complete 'Sync-AzBlob -Vault ').CompletionText | Should -BeNullOrEmpty
        $oldPath = $env:PSModulePath
        $env:PSModulePath = (Join-Path $PSScriptRoot 'SecretManagementStandIn') + [IO.Path]::PathSeparator + $env:PSModulePath
        try {
            Import-Module Microsoft.PowerShell.SecretManagement -Force
            Reset-StandIn
            Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret 'x'
            Set-StandInSecret -Vault BlobVault -Name StorageCert -Secret 'y'
            Set-StandInSecret -Vault 'Other Vault' -Name Elsewhere -Secret 'z'
            (Complete 'Sync-AzBlob -Vault Bl').CompletionText | Should -Be @('BlobVault')
            (Complete 'Copy-AzBlob -Vault ').CompletionText | Should -Be @('BlobVault', "'Other Vault'")
            (Complete 'Sync-AzBlob -Vault BlobVault -SecretName Storage').CompletionText | Should -Be @('StorageCert', 'StorageSPN')
            (Complete "Test-AzBlobSync -Vault 'Other Vault' -SecretName ").CompletionText | Should -Be @('Elsewhere')
        } finally {
            Remove-Module Microsoft.PowerShell.SecretManagement -ErrorAction SilentlyContinue
            $env:PSModulePath = $oldPath
        }
    }

    It 'enum parameters complete to their values' {
        (Complete 'Sync-AzBlob -CompareHash ').CompletionText | Sort-Object | Should -Be @('MD5', 'None')
        (Complete 'Copy-AzBlob -Overwrite ').CompletionText | Should -Contain 'IfSourceNewer'
    }
}
