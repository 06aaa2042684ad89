#Requires -Version 7.4
<#
  What a user sees from the cmdlets, end to end against Azurite: output types and their table views, error
  records (id, category, target) for bad input and for a failed file, Write-Progress while a job runs, and
  -Verbose saying per file what the engine decided, never the key.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $manifest = Get-TestModuleManifest
    Import-Module $manifest -Force
    $azurite = Start-TestAzurite
    $key = Get-DevAccountKey
}

AfterAll {
    if ($azurite) { Stop-TestAzurite $azurite }
}

Describe 'Output objects and their table views' {
    BeforeAll {
        $source = New-TestFolder @{ 'a.txt' = 10; 'b.txt' = 20 }
        $container = New-TestContainer $azurite 'views'
        $out = Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key
    }

    It 'writes TransferResults then one JobSummary, typed as declared' {
        $out.Count | Should -Be 3
        $out[0].PSObject.TypeNames[0] | Should -Be 'AzBlobSync.TransferResult'
        $out[1].PSObject.TypeNames[0] | Should -Be 'AzBlobSync.TransferResult'
        $out[2].PSObject.TypeNames[0] | Should -Be 'AzBlobSync.JobSummary'
        (Get-Command Sync-AzBlob).OutputType.Name | Sort-Object | Should -Be @('AzBlobSync.JobSummary', 'AzBlobSync.TransferResult')
    }

    It 'shows files as a table of Status, Action, Reason, Bytes, Path, Blob, Error' {
        $text = $out | Where-Object { $_ -is [AzBlobSync.TransferResult] } | Format-Table | Out-String -Width 200
        $text | Should -Match '(?m)^Status\s+Action\s+Reason\s+Bytes\s+Path\s+Blob\s+Error\s*$'
        $text | Should -Match '(?m)^Success\s+Upload\s+\S+\s+10\s+a\.txt\s+a\.txt'
    }

    It 'shows the summary as a table of counts, and under the files when shown together' {
        $summaryText = $out | Where-Object { $_ -is [AzBlobSync.JobSummary] } | Format-Table | Out-String -Width 200
        $summaryText | Should -Match '(?m)^Status\s+DryRun\s+Transferred\s+Skipped\s+Failed\s+Deleted\s+Bytes\s+Elapsed\s+Error\s*$'
        $summaryText | Should -Match '(?m)^Completed\s+False\s+2\s+0\s+0\s+0\s+30\s+\d\d:\d\d:\d\d\.\d{3}'
        # Shown together (as at the prompt), PowerShell keeps the files' table and lists the summary below it.
        $shown = $out | Out-String -Width 200
        $shown | Should -Match '(?m)^Status\s+Action\s+Reason'
        $shown | Should -Match '(?m)^FilesTransferred\s+:\s+2\s*$'
    }

    It 'Test-AzBlobSync shows differences as a table of Kind, Reason, Action, Bytes, Path, Blob' {
        Set-Content -LiteralPath (Join-Path $source 'c.txt') -Value 'new'
        $differences = Test-AzBlobSync -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key
        $differences.PSObject.TypeNames[0] | Should -Be 'AzBlobSync.SyncDifference'
        ($differences | Format-Table | Out-String -Width 200) | Should -Match '(?m)^Kind\s+Reason\s+Action\s+Bytes\s+Path\s+Blob\s*$'
    }
}

Describe 'Error records' {
    BeforeAll {
        $source = New-TestFolder @{ 'a.txt' = 10 }
        $closedPort = Get-FreeLoopbackPort
        function Get-ErrorRecord([scriptblock] $command) {
            try { & $command; $null } catch { $_ }
        }
    }

    It '<Case>: <Id>, <Category>' -ForEach @(
        @{ Case = 'a missing source folder'; Id = 'AzBlobSync.SourceNotFound'; Category = 'ObjectNotFound'; Run = { Sync-AzBlob -LiteralPath (Join-Path $source 'missing') -Destination (Get-TestContainerUrl $azurite 'any') -StorageAccountKey $key -ErrorAction Stop }; Target = { Join-Path $source 'missing' } }
        @{ Case = 'a malformed destination'; Id = 'AzBlobSync.InvalidDestination'; Category = 'InvalidArgument'; Run = { Sync-AzBlob -Path $source -Destination 'ftp://x/y' -StorageAccountKey $key -ErrorAction Stop }; Target = { 'ftp://x/y' } }
        @{ Case = 'a container that does not exist'; Id = 'AzBlobSync.ContainerNotFound'; Category = 'ObjectNotFound'; Run = { Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite 'no-such-container') -StorageAccountKey $key -ErrorAction Stop }; Target = $null }
        @{ Case = 'a wrong account key'; Id = 'AzBlobSync.AuthenticationFailed'; Category = 'AuthenticationError'; Run = { Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite (New-TestContainer $azurite 'wrongkey')) -StorageAccountKey (ConvertTo-SecureString ([Convert]::ToBase64String([byte[]]::new(64))) -AsPlainText -Force) -ErrorAction Stop }; Target = $null }
        @{ Case = 'a key that is not base64'; Id = 'AzBlobSync.InvalidAccountKey'; Category = 'InvalidArgument'; Run = { Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite 'any') -StorageAccountKey (ConvertTo-SecureString 'not base64!' -AsPlainText -Force) -ErrorAction Stop }; Target = $null }
        @{ Case = 'nothing listening'; Id = 'AzBlobSync.ServiceUnreachable'; Category = 'ConnectionError'; Run = { Sync-AzBlob -Path $source -Destination "http://127.0.0.1:$closedPort/devstoreaccount1/closed" -StorageAccountKey $key -ErrorAction Stop }; Target = $null }
        @{ Case = 'a download into a file'; Id = 'AzBlobSync.DestinationNotAFolder'; Category = 'InvalidArgument'; Run = { Sync-AzBlob -SourceUri (Get-TestContainerUrl $azurite 'any') -Destination (Join-Path $source 'a.txt') -StorageAccountKey $key -ErrorAction Stop }; Target = { Join-Path $source 'a.txt' } }
    ) {
        $err = Get-ErrorRecord $Run
        $err | Should -Not -BeNullOrEmpty -Because "$Case must fail"
        $err.FullyQualifiedErrorId | Should -Be "$Id,AzBlobSync.PowerShell.SyncAzBlobCommand"
        $err.CategoryInfo.Category | Should -Be $Category
        if ($Target) { "$($err.TargetObject)" | Should -Be (& $Target) }
        $err.Exception.Message | Should -Not -Match ([regex]::Escape((Get-DevAccountKeyText)))
        $err.Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'makes one failed file a non-terminating error: the other files upload and the summary counts it' {
        $folder = New-TestFolder @{ 'a.txt' = 10; 'z/last.txt' = 20 }
        # A dangling symlink cannot be read even by root.
        New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'm-dangling.txt') -Target (Join-Path $folder 'does-not-exist') | Out-Null
        $container = New-TestContainer $azurite 'failedfile'
        $errors = @()

        $out = Sync-AzBlob -Path $folder -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'AzBlobSync.LocalIoError,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ReadError'
        $errors[0].TargetObject.Path | Should -Be 'm-dangling.txt'
        $errors[0].TargetObject.Status | Should -Be 'Failed'
        $summary = $out | Where-Object { $_ -is [AzBlobSync.JobSummary] }
        $summary.Status | Should -Be 'CompletedWithErrors'
        $summary.FilesFailed | Should -Be 1
        Get-OracleNames $azurite $container | Should -Be @('a.txt', 'z/last.txt')
    }

    It 'makes the failed file terminating with -ErrorAction Stop' {
        $folder = New-TestFolder @{ 'a.txt' = 10 }
        New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'm-dangling.txt') -Target (Join-Path $folder 'does-not-exist') | Out-Null
        $container = New-TestContainer $azurite 'failedstop'
        $reached = $false
        $err = $null
        try {
            Sync-AzBlob -Path $folder -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key -ErrorAction Stop | Out-Null
            $reached = $true
        } catch { $err = $_ }
        $reached | Should -BeFalse
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.LocalIoError,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }
}

Describe 'Progress and verbose text' {
    It 'writes progress records while a job runs, ending with a completed one' {
        $files = @{}
        foreach ($i in 1..600) { $files["f/{0:d4}.txt" -f $i] = 64 }
        $source = New-TestFolder $files
        $container = New-TestContainer $azurite 'progress'
        # A runspace of its own: its Streams.Progress keeps every record the cmdlet wrote.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($manifest, $source, $url, $key)
                    $ProgressPreference = 'Continue'
                    Import-Module $manifest
                    Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -Concurrency 1
                }).AddArgument($manifest).AddArgument($source).AddArgument((Get-TestContainerUrl $azurite $container)).AddArgument($key)
            $out = $ps.Invoke()
            $progress = @($ps.Streams.Progress | Where-Object Activity -eq 'Sync-AzBlob')
        } finally { $ps.Dispose() }

        ($out | Where-Object { $_ -is [AzBlobSync.JobSummary] }).FilesTransferred | Should -Be 600
        $running = @($progress | Where-Object { $_.RecordType -eq 'Processing' -and $_.StatusDescription -match '^Transferring: \d+ of \d+ file' })
        $running.Count | Should -BeGreaterThan 0 -Because "the 600-file upload must report progress while it runs; saw: $($progress.StatusDescription -join ' | ')"
        $progress[-1].RecordType | Should -Be 'Completed'
        @(Get-OracleNames $azurite $container).Count | Should -Be 600
    }

    It '-Verbose says per file what the engine decided and why, and never shows the key' {
        $source = New-TestFolder @{ 'same.txt' = 10; 'changed.txt' = 20 }
        $container = New-TestContainer $azurite 'verbose'
        $url = Get-TestContainerUrl $azurite $container
        Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key | Out-Null
        Set-Content -LiteralPath (Join-Path $source 'changed.txt') -Value 'longer than before, so the size differs'
        Set-Content -LiteralPath (Join-Path $source 'new.txt') -Value 'new'

        $verbose = @(Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

        $verbose | Should -Contain "'new.txt': uploaded (missing)"
        @($verbose | Where-Object { $_ -like "'changed.txt': uploaded (*)" }).Count | Should -Be 1
        @($verbose | Where-Object { $_ -like "'same.txt': skipped (*)" }).Count | Should -Be 1
        ($verbose -join "`n") | Should -Not -Match ([regex]::Escape((Get-DevAccountKeyText)))
    }
}
