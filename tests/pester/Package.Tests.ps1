#Requires -Version 7.4
<#
  The package as a user gets it: `./build.sh pack` (run by ./build.sh test before this suite) published the module
  into out/repo with Publish-PSResource; here a fresh pwsh, in a user scope of its own (HOME and XDG_DATA_HOME pointed
  at an empty folder: no repositories, no modules), registers that repository, installs AzBlobSync by name, imports it by
  name and syncs into Azurite, which proves the native engine loads from where PowerShell put it.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $repository = Join-Path $repoRoot 'out' 'repo'
    $manifest = Import-PowerShellDataFile (Join-Path $repoRoot 'PSModule' 'AzBlobSync.psd1')
    $azurite = Start-TestAzurite
}

AfterAll {
    if ($azurite) { Stop-TestAzurite $azurite }
}

Describe 'The module package' {
    It 'carries what the PowerShell Gallery shows' {
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Azure'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match ([regex]::Escape($manifest.ModuleVersion))
        Get-ChildItem $repository -Filter "AzBlobSync.$($manifest.ModuleVersion).nupkg" | Should -Not -BeNullOrEmpty -Because 'run ./build.sh pack first'
    }

    It 'installs by name into a fresh user scope and syncs from the installed copy' {
        $scope = (New-Item -ItemType Directory -Path (New-TestTempPath)).FullName
        $source = New-TestFolder @{ 'installed/a.txt' = 100; 'installed/b.bin' = 5000 }
        $container = New-TestContainer $azurite 'installed'
        $pwsh = Get-PwshPath
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath; AZCOPY_ACCOUNT_KEY = $env:AZCOPY_ACCOUNT_KEY }
        try {
            # A home of its own: PowerShell's user module folder and PSResourceGet's repositories both live under it.
            $env:HOME = $scope
            # Created first: .NET reports a missing data folder as "", and PSResourceGet would then write beside the tests.
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $scope '.local' 'share')).FullName
            $env:PSModulePath = $null
            # The key reaches the child through the environment, never its command line.
            $env:AZCOPY_ACCOUNT_KEY = Get-DevAccountKeyText
            $result = & $pwsh -NoProfile -NonInteractive -Command {
                param($repository, $source, $url)
                $ErrorActionPreference = 'Stop'
                Register-PSResourceRepository -Name Local -Uri $repository -Trusted
                Install-PSResource -Name AzBlobSync -Repository Local -Scope CurrentUser
                Import-Module AzBlobSync
                $summary = Sync-AzBlob -Path $source -Destination $url | Where-Object { $_ -is [AzBlobSync.JobSummary] }
                [pscustomobject]@{
                    ModuleBase       = (Get-Module AzBlobSync).ModuleBase
                    Status           = "$($summary.Status)"
                    FilesTransferred = $summary.FilesTransferred
                    Repositories     = @(Get-PSResourceRepository).Name
                    RepositoryFile   = @(Get-ChildItem -Recurse -Filter PSResourceRepository.xml -Path $env:XDG_DATA_HOME).FullName
                }
            } -args $repository, $source, (Get-TestContainerUrl $azurite $container)
            $LASTEXITCODE | Should -Be 0
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            Remove-Item -Recurse -Force $scope -ErrorAction SilentlyContinue
        }

        $result.ModuleBase | Should -BeLike "$scope*"
        $result.Status | Should -Be 'Completed'
        $result.FilesTransferred | Should -Be 2
        $result.Repositories | Should -Contain 'Local'
        $result.RepositoryFile | Should -BeLike "$scope*" -Because 'registering the repository must not touch the user''s own settings'
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
    }
}
