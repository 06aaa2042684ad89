#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, demonstrates, tests or benchmarks AzBlobSync (the PowerShell convention's entry).
.DESCRIPTION
    The steps live in native/xtask (one place for every entry); this script only points cargo at
    vendored crates when ../shared/rust-vendor exists, then runs `cargo run -p xtask -- <Task>`.
.EXAMPLE
    ./build.ps1 -Task test
#>
[CmdletBinding()]
param(
    [ValidateSet('build', 'demo', 'test', 'pack', 'bench')]
    [string] $Task = 'build'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$vendor = Join-Path $PSScriptRoot '../shared/rust-vendor/use-vendored-crates.sh'
if ((Test-Path $vendor) -and (Get-Command bash -ErrorAction SilentlyContinue)) {
    bash $vendor
    if ($LASTEXITCODE -ne 0) { throw "use-vendored-crates.sh failed ($LASTEXITCODE)" }
}
cargo run --release -q -p xtask -- $Task
if ($LASTEXITCODE -ne 0) { throw "xtask $Task failed ($LASTEXITCODE)" }
