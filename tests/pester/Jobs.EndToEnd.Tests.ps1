#Requires -Version 7.4
<#
  Get-AzBlobJob, Remove-AzBlobJob and Resume-AzBlobJob end to end against an Azurite this file starts, with a job
  folder of each test's own (never the user's). What lands in the container is read back by the oracle (Azure's
  Python SDK); the journal is read through the cmdlets and, for secrets, grepped on disk.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $azurite = Start-TestAzurite
    $key = Get-DevAccountKey
    $keyText = Get-DevAccountKeyText
    $cli = Join-Path $PSScriptRoot '../../target/release/azblobsync'
    $tree = @{ 'a.txt' = 100; 'sub/b.bin' = 70000; 'sub/deep/c.txt' = 1 }
    function Split-Output($out) {
        [pscustomobject]@{
            Files   = @($out | Where-Object { $_ -is [AzBlobSync.TransferResult] })
            Summary = @($out | Where-Object { $_ -is [AzBlobSync.JobSummary] })
        }
    }
    # The oracle's count of blocks staged for a blob and not committed (a number, not the first character of one).
    function Get-UncommittedBlockCount([string] $Container, [string] $Blob) { [int]@(Invoke-Oracle $azurite uncommitted $Container $Blob)[0] }
    # Every file in the job folder (journal.db and its WAL, the logs) must hold neither secret.
    function Assert-NoSecretIn([string] $Folder, [string[]] $Secrets) {
        $files = @(Get-ChildItem -LiteralPath $Folder -Recurse -File)
        $files.Count | Should -BeGreaterThan 0
        foreach ($file in $files) {
            $text = [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($file.FullName))
            foreach ($secret in $Secrets) { $text.Contains($secret) | Should -BeFalse -Because "$($file.Name) must not hold a secret" }
        }
    }
}

AfterAll {
    if ($azurite) { Stop-TestAzurite $azurite }
}

Describe 'Get-AzBlobJob' {
    BeforeEach { $jobs = New-TestTempPath }
    AfterEach { Remove-Item Env:AZBLOBSYNC_JOB_DIR -ErrorAction SilentlyContinue }

    It 'lists a sync the module ran (AZBLOBSYNC_JOB_DIR), Completed, with the counts the oracle sees' {
        $source = New-TestFolder $tree
        $container = New-TestContainer $azurite 'jobs-list'
        $env:AZBLOBSYNC_JOB_DIR = $jobs
        $run = Split-Output (Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key)

        $listed = @(Get-AzBlobJob -JobDirectory $jobs)
        $listed.Count | Should -Be 1
        $job = $listed[0]
        $job | Should -BeOfType ([AzBlobSync.JobRecord])
        $job.JobId | Should -Be $run.Summary[0].JobId
        $job.Status | Should -Be 'Completed'
        $job.FilesTransferred | Should -Be @(Get-OracleNames $azurite $container).Count
        $job.FilesTransferred | Should -Be 3
        $job.StartTime | Should -BeOfType ([datetime])
        $job.EndTime | Should -BeGreaterOrEqual $job.StartTime
        $job.Destination | Should -Be (Get-TestContainerUrl $azurite $container)
        Test-Path -LiteralPath $job.LogPath | Should -BeTrue
        # The default folder is the same variable: no -JobDirectory needed.
        (Get-AzBlobJob).JobId | Should -Be $job.JobId
        (Get-AzBlobJob -JobId $job.JobId).FailedFiles.Count | Should -Be 0
        (Get-AzBlobJob -JobDirectory $jobs -Status Failed) | Should -BeNullOrEmpty
        (Get-AzBlobJob -JobDirectory $jobs | Format-Table | Out-String) | Should -Match 'Completed'
    }

    It 'completes -JobId from the journal of -JobDirectory, newest first, with the status in the tooltip' {
        $source = New-TestFolder @{ 'x.txt' = 10 }
        $container = New-TestContainer $azurite 'jobs-complete'
        $url = Get-TestContainerUrl $azurite $container
        $first = (Split-Output (Sync-AzBlob -Path $source -Destination "$url/one" -StorageAccountKey $key -JobDirectory $jobs)).Summary[0].JobId
        $second = (Split-Output (Sync-AzBlob -Path $source -Destination "$url/two" -StorageAccountKey $key -JobDirectory $jobs)).Summary[0].JobId
        $line = "Resume-AzBlobJob -JobDirectory '$jobs' -JobId "
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $matches.CompletionText | Should -Be @($second, $first)
        $matches[0].ToolTip | Should -Match '^Completed, started '
        $line = "Get-AzBlobJob -JobDirectory '$jobs' -JobId $($first.Substring(0, 30))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @($first)
    }

    It 'reports a job the journal does not have as a non-terminating JobNotFound' {
        $out = Get-AzBlobJob -JobId 'no-such-job' -JobDirectory $jobs -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.JobNotFound*'
    }
}

Describe 'Resume-AzBlobJob' {
    BeforeEach { $jobs = New-TestTempPath }

    It 'resumes a job the CLI started, and failed, from Get-AzBlobJob -Status Failed in the pipeline, to the tree of the source' {
        $source = New-TestFolder $tree
        # The container does not exist yet: the CLI's job fails (ContainerNotFound) and is recorded.
        $container = ('cli-' + [guid]::NewGuid().ToString('N')).Substring(0, 30)
        $url = Get-TestContainerUrl $azurite $container
        $env:AZCOPY_ACCOUNT_KEY = $keyText
        try { $null = & $cli sync $source $url --job-dir $jobs 2>&1 } finally { Remove-Item Env:AZCOPY_ACCOUNT_KEY }
        $LASTEXITCODE | Should -Not -Be 0

        $failed = @(Get-AzBlobJob -JobDirectory $jobs -Status Failed)
        $failed.Count | Should -Be 1
        $failed[0].ErrorId | Should -Be 'AzBlobSync.ContainerNotFound'
        $failed[0].Resumable | Should -BeTrue

        $null = Invoke-Oracle $azurite create-container $container
        # The CLI signed in with AZCOPY_ACCOUNT_KEY, which is never recorded: the key is given again.
        $run = Split-Output (Get-AzBlobJob -JobDirectory $jobs -Status Failed | Resume-AzBlobJob -JobDirectory $jobs -StorageAccountKey $key)

        $run.Summary.Count | Should -Be 1
        $run.Summary[0].Status | Should -Be 'Completed'
        $run.Summary[0].JobId | Should -Be $failed[0].JobId
        $run.Files.Count | Should -Be 3
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
        $after = Get-AzBlobJob -JobDirectory $jobs -JobId $failed[0].JobId
        $after.Status | Should -Be 'Completed'
        $after.Attempt | Should -Be 2
        Assert-NoSecretIn $jobs @($keyText)
    }

    It 'hands a job the module started, and failed, to the CLI, whose jobs resume finishes it with the key given again' {
        $source = New-TestFolder $tree
        $container = ('mod-' + [guid]::NewGuid().ToString('N')).Substring(0, 30)
        $url = Get-TestContainerUrl $azurite $container
        # The container does not exist yet: the module's job fails (ContainerNotFound) and is recorded.
        try { $null = Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -JobDirectory $jobs -ErrorAction SilentlyContinue } catch { }
        $failed = @(Get-AzBlobJob -JobDirectory $jobs -Status Failed)
        $failed.Count | Should -Be 1
        $failed[0].ErrorId | Should -Be 'AzBlobSync.ContainerNotFound'
        $id = $failed[0].JobId
        $null = Invoke-Oracle $azurite create-container $container

        $env:AZCOPY_ACCOUNT_KEY = $keyText
        try { $out = & $cli jobs resume $id --job-dir $jobs --output-type json 2>&1 } finally { Remove-Item Env:AZCOPY_ACCOUNT_KEY }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $summary = $out | Select-Object -Last 1 | ConvertFrom-Json
        ($summary.jobId, $summary.status, $summary.attempt) | Should -Be @($id, 'completed', 2)
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
        (Get-AzBlobJob -JobDirectory $jobs -JobId $id).Status | Should -Be 'Completed'
    }

    It 'needs a SAS again (InvalidCredential without -DestinationSas) and with it goes on to the tree of the source' {
        $source = New-TestFolder $tree
        $container = New-TestContainer $azurite 'jobs-sas'
        $sasUrl = Get-OracleSasUrl $azurite $container
        $sas = $sasUrl.Substring($sasUrl.IndexOf('?') + 1)
        $signature = [uri]::UnescapeDataString(([regex]::Match($sas, '(?:^|&)sig=([^&]+)')).Groups[1].Value)
        $signature | Should -Not -BeNullOrEmpty
        $first = Split-Output (Sync-AzBlob -Path $source -Destination $sasUrl -JobDirectory $jobs)
        $first.Summary[0].Status | Should -Be 'Completed'
        $id = $first.Summary[0].JobId
        (Get-AzBlobJob -JobDirectory $jobs -JobId $id).Destination | Should -Not -Match 'sig='
        Write-TestFile -Path (Join-Path $source 'later/new.txt') -Size 321

        $err = $null
        try { Resume-AzBlobJob -JobId $id -JobDirectory $jobs -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.InvalidCredential*'
        @(Get-OracleNames $azurite $container) | Should -Not -Contain 'later/new.txt'

        $again = Split-Output (Resume-AzBlobJob -JobId $id -JobDirectory $jobs -DestinationSas (ConvertTo-SecureString $sas -AsPlainText -Force))
        $again.Summary[0].Status | Should -Be 'Completed'
        $again.Files.Path | Should -Be @('later/new.txt')
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
        Assert-NoSecretIn $jobs @($signature, $sas)
    }

    It 'refuses a job the journal does not have (JobNotFound), and -WhatIf runs nothing' {
        $err = $null
        try { Resume-AzBlobJob -JobId 'no-such-job' -JobDirectory $jobs -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.JobNotFound*'
        Resume-AzBlobJob -JobId 'no-such-job' -JobDirectory $jobs -WhatIf | Should -BeNullOrEmpty
    }
}

Describe 'A pwsh killed with kill -9 mid-job' {
    It 'leaves the job Interrupted, and Resume-AzBlobJob in this pwsh finishes it without sending a staged block or a finished file again' {
        $jobs = New-TestTempPath
        $files = @{ 'big.bin' = 24MB }
        foreach ($i in 1..60) { $files["small/$('{0:d3}' -f $i).bin"] = 20000 + $i }
        $source = New-TestFolder $files
        $container = New-TestContainer $azurite 'killed-host'
        # Every request passes a proxy that logs what the service answered (tests' azbs-proxy, counting only).
        $proxy = Start-TestProxy -Upstream $azurite.Port
        $url = ($azurite.BlobEndpoint -replace ':\d+/', ":$($proxy.Port)/") + "/$container"

        # The module's engine in a .NET host of its own: a child pwsh. The key reaches it in its environment, never
        # on a command line.
        $start = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshPath))
        $script = 'Import-Module $env:AZBS_TEST_MODULE; $null = Sync-AzBlob -Path $env:AZBS_TEST_SOURCE -Destination $env:AZBS_TEST_URL ' +
            '-StorageAccountKey (ConvertTo-SecureString $env:AZBS_TEST_KEY -AsPlainText -Force) -JobDirectory $env:AZBS_TEST_JOBS -BlockSizeMB 1 -Concurrency 2'
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $script) { $start.ArgumentList.Add($argument) }
        $start.Environment['AZBS_TEST_MODULE'] = Get-TestModuleManifest
        $start.Environment['AZBS_TEST_SOURCE'] = $source
        $start.Environment['AZBS_TEST_URL'] = $url
        $start.Environment['AZBS_TEST_KEY'] = $keyText
        $start.Environment['AZBS_TEST_JOBS'] = $jobs
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $child = [System.Diagnostics.Process]::Start($start)
        try {
            # Killed once blocks of big.bin are staged and some small files are done.
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while ((Get-UncommittedBlockCount $container 'big.bin') -lt 4 -or @(Get-OracleNames $azurite $container).Count -lt 3) {
                $child.HasExited | Should -BeFalse -Because 'the job must be under way when it is killed'
                [DateTime]::UtcNow | Should -BeLessThan $deadline
                Start-Sleep -Milliseconds 50
            }
            # SIGKILL to the whole tree (the pwsh .NET tool is a launcher whose child is the .NET host that runs the
            # engine): no handler in the host runs, as with kill -9.
            $child.Kill($true)
            $child.WaitForExit()
        } finally { if (-not $child.HasExited) { $child.Kill($true) } }

        # The launcher is reaped at once; the host's teardown (and with it the journal's running lock) may take a moment.
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while (($killed = Get-AzBlobJob -JobDirectory $jobs).Status -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $killed.Status | Should -Be 'Interrupted'
        $killed.Resumable | Should -BeTrue
        $staged = (Get-UncommittedBlockCount $container 'big.bin')
        $committed = @(Get-OracleNames $azurite $container)

        $run = Split-Output ($killed | Resume-AzBlobJob -JobDirectory $jobs -StorageAccountKey $key)
        $run.Summary[0].Status | Should -Be 'Completed'
        $run.Summary[0].JobId | Should -Be $killed.JobId
        $report = Stop-TestProxy $proxy

        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
        (Get-UncommittedBlockCount $container 'big.bin') | Should -Be 0
        # Each blob put and each block staged reached the service once, across the killed run and the resume.
        $puts = @($report.answered | Where-Object { $_[0] -like 'PUT *' -and $_[1] -eq 201 -and $_[0] -notlike '*restype=container*' } | ForEach-Object { ($_[0] -split ' ')[1] })
        $twice = @($puts | Group-Object | Where-Object Count -GT 1 | ForEach-Object Name)
        $twice | Should -BeNullOrEmpty -Because "$staged blocks were staged and $($committed.Count) blobs committed before the kill"
        $puts.Count | Should -Be (60 + 24 + 1) -Because '60 small blobs, 24 blocks of 1 MiB and one block list'
        # The CLI reads the same journal: the job is done there too.
        $listed = & $cli jobs list --job-dir $jobs --output-type json | ConvertFrom-Json
        $listed.status | Should -Be 'Completed'
        $listed.attempt | Should -Be 2
        Assert-NoSecretIn $jobs @($keyText)
    }
}

Describe 'Remove-AzBlobJob' {
    BeforeEach { $jobs = New-TestTempPath }

    It 'removes nothing under -WhatIf, removes by id from the pipeline, and by age with -OlderThan' {
        $source = New-TestFolder @{ 'x.txt' = 10 }
        $container = New-TestContainer $azurite 'jobs-rm'
        $url = Get-TestContainerUrl $azurite $container
        $old = (Split-Output (Sync-AzBlob -Path $source -Destination "$url/old" -StorageAccountKey $key -JobDirectory $jobs)).Summary[0].JobId
        Start-Sleep -Milliseconds 1100
        $between = Get-Date
        Start-Sleep -Milliseconds 1100
        $new = (Split-Output (Sync-AzBlob -Path $source -Destination "$url/new" -StorageAccountKey $key -JobDirectory $jobs)).Summary[0].JobId
        $third = (Split-Output (Sync-AzBlob -Path $source -Destination "$url/third" -StorageAccountKey $key -JobDirectory $jobs)).Summary[0].JobId
        @(Get-AzBlobJob -JobDirectory $jobs).JobId | Should -Be @($third, $new, $old)

        Remove-AzBlobJob -OlderThan (Get-Date).AddMinutes(1) -JobDirectory $jobs -WhatIf | Should -BeNullOrEmpty
        @(Get-AzBlobJob -JobDirectory $jobs).Count | Should -Be 3

        $removed = @(Remove-AzBlobJob -OlderThan $between -JobDirectory $jobs -Confirm:$false -PassThru)
        $removed.JobId | Should -Be @($old)
        Test-Path -LiteralPath $removed[0].LogPath | Should -BeFalse
        @(Get-AzBlobJob -JobDirectory $jobs).JobId | Should -Be @($third, $new)

        Get-AzBlobJob -JobDirectory $jobs -JobId $new | Remove-AzBlobJob -JobDirectory $jobs -Confirm:$false | Should -BeNullOrEmpty
        $third | Remove-AzBlobJob -JobDirectory $jobs -Confirm:$false
        Get-AzBlobJob -JobDirectory $jobs | Should -BeNullOrEmpty
        Remove-AzBlobJob -JobId $third -JobDirectory $jobs -Confirm:$false -ErrorVariable gone -ErrorAction SilentlyContinue
        $gone[0].FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.JobNotFound*'
    }
}
