<#
.SYNOPSIS
    Publishes the laid-out module (out/AzBlobSync) with Publish-PSResource into a local file repository (out/repo),
    the package a user would get from the PowerShell Gallery. Entered by `./build.sh pack`.
.DESCRIPTION
    The repository is registered in a user scope of its own (XDG_DATA_HOME pointed at a temporary folder), so
    packing never changes the repositories of the user running the build. The folder is emptied first: a
    version can be published only once.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepositoryPath
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
if (Test-Path $RepositoryPath) { Remove-Item -Recurse -Force $RepositoryPath }
$RepositoryPath = (New-Item -ItemType Directory -Path $RepositoryPath).FullName
$scope = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "azbs-pack-$([guid]::NewGuid())")).FullName
$env:XDG_DATA_HOME = $scope
try {
    Register-PSResourceRepository -Name AzBlobSyncLocal -Uri $RepositoryPath -Trusted
    Publish-PSResource -Path $ModulePath -Repository AzBlobSyncLocal
    $package = Get-ChildItem $RepositoryPath -Filter 'AzBlobSync.*.nupkg'
    if (-not $package) { throw "Publish-PSResource wrote no AzBlobSync package into $RepositoryPath" }
    "pack: $($package.FullName) ($([math]::Round($package.Length / 1MB, 1)) MiB)"
}
finally {
    Remove-Item -Recurse -Force $scope -ErrorAction SilentlyContinue
}
