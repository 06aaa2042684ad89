<#
  What the end-to-end Pester files share: the module under test, an Azurite they start themselves (the same
  arguments as tests/dotnet's AzuriteFixture: 127.0.0.1, a free port, in memory), and the independent oracle
  (tests/oracle/blob_oracle.py, Azure's Python SDK) that reads back whatever our cmdlets wrote.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
# tests/azurite.json: the one definition every suite starts Azurite from; its account and key are the
# well-known development ones (public, not a secret).
$script:AzuriteDefinition = Get-Content -Raw (Join-Path $script:RepoRoot 'tests' 'azurite.json') | ConvertFrom-Json
$script:AccountName = $script:AzuriteDefinition.account
$script:DevKey = $script:AzuriteDefinition.accountKey
$script:ContainerCounter = 0

function Get-TestModuleManifest {
    $modulePath = $env:AZBLOBSYNC_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $script:RepoRoot 'out' 'AzBlobSync' }
    $manifest = Join-Path $modulePath 'AzBlobSync.psd1'
    if (-not (Test-Path $manifest)) { throw "No module at $modulePath; run ./build.sh build first." }
    $manifest
}

function Get-PwshPath {
    <# The pwsh the build installed (out/tools/pwsh); the running process is `dotnet` when pwsh is a .NET tool. #>
    $built = Join-Path $script:RepoRoot 'out' 'tools' 'pwsh' ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $built) { return $built }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop)[0].Source
}

function Get-DevAccountKey {
    <# The Azurite account key as the cmdlets take it: a SecureString. #>
    ConvertTo-SecureString $script:DevKey -AsPlainText -Force
}

function Get-DevAccountKeyText { $script:DevKey }

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-SharedAzurite { Get-Variable -Scope Global -Name AzBlobSyncSharedAzurite -ValueOnly -ErrorAction SilentlyContinue }

function Start-TestAzurite {
    <#
      Starts Azurite's blob service on 127.0.0.1 and a free port (as tests/azurite.json defines it, plus -ExtraArguments
      such as HTTPS with OAuth), waits until it listens, and starts the
      oracle beside it. Under Invoke-PesterSuite.ps1 every file shares the one the runner started (each file makes its
      own containers), so a run pays Azurite's and Python's start-up once.
    #>
    param([switch] $Own, [string[]] $ExtraArguments = @(), [string] $Scheme = 'http', [string] $CaBundle)
    $shared = Get-SharedAzurite
    if (-not $Own -and -not $ExtraArguments -and $shared -and -not $shared.Process.HasExited) { return $shared }
    $azurite = Join-Path $script:RepoRoot $script:AzuriteDefinition.binary
    if (-not (Test-Path $azurite)) { throw "Azurite is not installed ($azurite is missing); run the build first." }
    $port = Get-FreeLoopbackPort
    $workDirectory = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "azurite-pester-$([guid]::NewGuid())")).FullName
    $start = [System.Diagnostics.ProcessStartInfo]::new($azurite)
    $start.UseShellExecute = $false
    $start.WorkingDirectory = $workDirectory
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($argument in @('--blobHost', '127.0.0.1', '--blobPort', "$port") + @($script:AzuriteDefinition.arguments) + $ExtraArguments) {
        $start.ArgumentList.Add($argument)
    }
    $process = [System.Diagnostics.Process]::Start($start)
    # Drained asynchronously so a chatty Azurite can never block on a full pipe.
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($script:AzuriteDefinition.startTimeoutSeconds)
    while ($true) {
        if ($process.HasExited) { throw "Azurite exited ($($process.ExitCode)) before listening on port ${port}: $($stdout.Result) $($stderr.Result)" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect([System.Net.IPAddress]::Loopback, $port); break } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
        if ([DateTime]::UtcNow -gt $deadline) {
            $process.Kill($true)
            throw "Azurite did not listen on port $port within $($script:AzuriteDefinition.startTimeoutSeconds) s."
        }
    }
    $endpoint = "${Scheme}://127.0.0.1:$port/$script:AccountName"
    [pscustomobject]@{
        Process          = $process
        Oracle           = Start-Oracle -CaBundle $CaBundle
        Port             = $port
        BlobEndpoint     = $endpoint
        ConnectionString = "DefaultEndpointsProtocol=$Scheme;AccountName=$script:AccountName;AccountKey=$script:DevKey;BlobEndpoint=$endpoint;"
        WorkDirectory    = $workDirectory
    }
}

function Stop-TestAzurite([Parameter(Mandatory)] $Azurite, [switch] $Shared) {
    # A file's AfterAll leaves the runner's shared instance alone; the runner stops it with -Shared.
    if (-not $Shared -and [object]::ReferenceEquals($Azurite, (Get-SharedAzurite))) { return }
    $Azurite.Oracle.StandardInput.Close()
    if (-not $Azurite.Oracle.WaitForExit(10000)) { $Azurite.Oracle.Kill() }
    $Azurite.Oracle.Dispose()
    if (-not $Azurite.Process.HasExited) {
        $Azurite.Process.Kill($true)
        $null = $Azurite.Process.WaitForExit(10000)
    }
    $Azurite.Process.Dispose()
    Remove-Item -LiteralPath $Azurite.WorkDirectory -Recurse -Force -ErrorAction SilentlyContinue
}

function Start-Oracle([string] $CaBundle) {
    <# tests/pester/oracle_server.py: blob_oracle.py kept loaded in one Python process (its start-up costs seconds on a busy machine). #>
    $start = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
    # An Azurite serving HTTPS under a test CA: the oracle trusts that CA (and only for itself).
    if ($CaBundle) { $start.Environment['REQUESTS_CA_BUNDLE'] = $CaBundle }
    $start.ArgumentList.Add((Join-Path $PSScriptRoot 'oracle_server.py'))
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.StandardInputEncoding = [System.Text.UTF8Encoding]::new($false)
    $start.StandardOutputEncoding = [System.Text.Encoding]::UTF8
    $start.Environment['PYTHONIOENCODING'] = 'utf-8'
    $process = [System.Diagnostics.Process]::Start($start)
    $null = $process.StandardError.ReadToEndAsync()
    $process
}

function Invoke-Oracle {
    <# Runs a blob_oracle.py command (Azure's Python SDK) and returns its output lines; a failure throws. #>
    param([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments)
    $oracle = $Azurite.Oracle
    $oracle.StandardInput.WriteLine((ConvertTo-Json -Compress -InputObject (@($Azurite.ConnectionString) + $Arguments)))
    $oracle.StandardInput.Flush()
    $lines = [System.Collections.Generic.List[string]]::new()
    while ($true) {
        $line = $oracle.StandardOutput.ReadLine()
        if ($null -eq $line) { throw "the oracle exited ($($oracle.ExitCode)) during '$($Arguments[0])'" }
        if ($line -match '^<<<oracle-end (\d+)>>>$') {
            if ($Matches[1] -ne '0') { throw "blob_oracle.py $($Arguments[0]) failed: $($lines -join "`n")" }
            break
        }
        $lines.Add($line)
    }
    @($lines | Where-Object { $_ })
}

function Start-TestProxy {
    <#
      The tests' proxy (target/release/azbs-proxy) in front of 127.0.0.1:Upstream, logging every request the service
      answered. Returns the process and the port clients use; Stop-TestProxy returns its counts and the log.
    #>
    param([Parameter(Mandatory)] [int] $Upstream)
    $binary = Join-Path $script:RepoRoot 'target' 'release' ($IsWindows ? 'azbs-proxy.exe' : 'azbs-proxy')
    if (-not (Test-Path $binary)) { throw "$binary is missing: run ./build.sh build first." }
    $start = [System.Diagnostics.ProcessStartInfo]::new($binary)
    foreach ($argument in '--upstream', $Upstream, '--log-requests', 'true') { $start.ArgumentList.Add([string] $argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $port = ($process.StandardOutput.ReadLine() | ConvertFrom-Json).port
    [pscustomobject]@{ Process = $process; Port = $port }
}

function Stop-TestProxy([Parameter(Mandatory)] $Proxy) {
    <# Closes the proxy's stdin; it prints its counts (bytesToUpstream, answered: [request line, status] ...) and exits. #>
    $Proxy.Process.StandardInput.Close()
    $last = $null
    while ($null -ne ($line = $Proxy.Process.StandardOutput.ReadLine())) { $last = $line }
    $null = $Proxy.Process.WaitForExit(10000)
    $last | ConvertFrom-Json -NoEnumerate
}

function New-TestContainer {
    <# A container of its own for one test (made by the oracle, not our engine); returns its name. #>
    param([Parameter(Mandatory)] $Azurite, [string] $Hint = 'pester')
    $script:ContainerCounter++
    $name = ("$Hint-$script:ContainerCounter-" + [guid]::NewGuid().ToString('N')).ToLowerInvariant()
    if ($name.Length -gt 63) { $name = $name.Substring(0, 63).TrimEnd('-') }
    $null = Invoke-Oracle $Azurite create-container $name
    $name
}

function Get-TestContainerUrl([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [string] $Prefix) {
    if ($Prefix) { "$($Azurite.BlobEndpoint)/$Container/$Prefix" } else { "$($Azurite.BlobEndpoint)/$Container" }
}

function Get-OracleInventory {
    <# Every committed blob: name, size, contentMd5, md5OfContent (hex of the downloaded bytes), metadata, ... #>
    param([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [string] $Prefix)
    $arguments = @('inventory', $Container) + @($Prefix | Where-Object { $_ })
    @(Invoke-Oracle $Azurite @arguments | ForEach-Object { $_ | ConvertFrom-Json })
}

function Get-OracleNames([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container) {
    @(Invoke-Oracle $Azurite names $Container | Sort-Object)
}

function Get-OracleSasUrl([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [string] $Permissions = 'rwdl') {
    @(Invoke-Oracle $Azurite sas $Container $Permissions)[0]
}

function Send-OracleBlob([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [Parameter(Mandatory)] [string] $Blob, [Parameter(Mandatory)] [string] $File) {
    <# Puts a blob behind our engine's back. #>
    $null = Invoke-Oracle $Azurite put $Container $Blob $File
}

function New-TestTempPath {
    <# A path under one temporary folder per run (removed by Remove-TestTempRoot, which the runner calls at the end). #>
    $root = Join-Path ([IO.Path]::GetTempPath()) "azbs-pester-$PID"
    Join-Path $root ([guid]::NewGuid().ToString('N'))
}

function Remove-TestTempRoot {
    Remove-Item -LiteralPath (Join-Path ([IO.Path]::GetTempPath()) "azbs-pester-$PID") -Recurse -Force -ErrorAction SilentlyContinue
}

function New-TestFolder {
    <# A fresh temporary folder, with files of the given sizes (name => bytes; '/'-separated names make subfolders). #>
    param([hashtable] $Files = @{})
    $root = (New-Item -ItemType Directory -Path (New-TestTempPath)).FullName
    foreach ($name in $Files.Keys) { Write-TestFile -Path (Join-Path $root $name) -Size $Files[$name] -Seed $name.Length }
    $root
}

function Write-TestFile([Parameter(Mandatory)] [string] $Path, [long] $Size, [int] $Seed = 1) {
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $Path)
    $bytes = [byte[]]::new($Size)
    [System.Random]::new($Seed + [int]($Size % 1000)).NextBytes($bytes)
    [System.IO.File]::WriteAllBytes($Path, $bytes)
}

function Get-FileMd5Hex([Parameter(Mandatory)] [string] $Path) {
    (Get-FileHash -LiteralPath $Path -Algorithm MD5).Hash.ToLowerInvariant()
}

function Get-TreeHashes {
    <# relative '/'-path => MD5 hex of every file under a folder, for comparing with the oracle's inventory. #>
    param([Parameter(Mandatory)] [string] $Root)
    $hashes = @{}
    foreach ($file in Get-ChildItem -LiteralPath $Root -Recurse -File) {
        $relative = [IO.Path]::GetRelativePath($Root, $file.FullName).Replace('\', '/')
        $hashes[$relative] = Get-FileMd5Hex $file.FullName
    }
    $hashes
}

function Get-InventoryHashes {
    <# blob name (below an optional prefix) => MD5 hex of its downloaded bytes, as the oracle read them. #>
    param([Parameter(Mandatory)] $Azurite, [Parameter(Mandatory)] [string] $Container, [string] $Prefix)
    $hashes = @{}
    foreach ($blob in Get-OracleInventory $Azurite $Container $Prefix) {
        $name = if ($Prefix) { $blob.name.Substring($Prefix.TrimEnd('/').Length + 1) } else { $blob.name }
        $hashes[$name] = $blob.md5OfContent
    }
    $hashes
}

function Assert-SameTree {
    <# Both sides' name => hash tables are equal: same names, same bytes. #>
    param([Parameter(Mandatory)] [hashtable] $Expected, [Parameter(Mandatory)] [hashtable] $Actual)
    $expectedText = ($Expected.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join "`n"
    $actualText = ($Actual.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join "`n"
    if ($actualText -ne $expectedText) { throw "Expected:`n$expectedText`nbut found:`n$actualText" }
}

Export-ModuleMember -Function *
