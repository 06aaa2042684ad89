#Requires -Version 7.4
<#
  Sync-AzBlob end to end, in every parameter set, against an Azurite this file starts: what lands at the
  destination is read back by the independent oracle (Azure's Python SDK) or hashed from disk, never taken from
  our own output.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $azurite = Start-TestAzurite
    $key = Get-DevAccountKey
    $tree = @{ 'a.txt' = 100; 'sub/b.bin' = 70000; 'sub/deep/c.txt' = 1; 'été/plage 100%.jpg' = 3000; 'empty.log' = 0 }
    function Split-Output($out) {
        [pscustomobject]@{
            Files   = @($out | Where-Object { $_ -is [AzBlobSync.TransferResult] })
            Summary = @($out | Where-Object { $_ -is [AzBlobSync.JobSummary] })
        }
    }
}

AfterAll {
    if ($azurite) { Stop-TestAzurite $azurite }
}

Describe 'Sync-AzBlob -Path (upload)' {
    It 'uploads a tree under a prefix, byte for byte, and a rerun transfers nothing' {
        $source = New-TestFolder $tree
        $container = New-TestContainer $azurite 'upload'
        $url = Get-TestContainerUrl $azurite $container 'nightly/exports'

        $first = Split-Output (Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -PutMd5)

        $first.Files.Count | Should -Be 5
        $first.Files.Action | Sort-Object -Unique | Should -Be 'Upload'
        $first.Files.Status | Sort-Object -Unique | Should -Be 'Success'
        $first.Summary.Count | Should -Be 1
        $first.Summary[0].Status | Should -Be 'Completed'
        $first.Summary[0].FilesTransferred | Should -Be 5
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container 'nightly/exports')
        # -PutMd5: every blob carries its content's MD5, as the oracle computes it.
        foreach ($blob in Get-OracleInventory $azurite $container) {
            [Convert]::ToHexString([Convert]::FromBase64String($blob.contentMd5)).ToLowerInvariant() | Should -Be $blob.md5OfContent -Because $blob.name
        }

        $again = Split-Output (Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key)
        $again.Files.Count | Should -Be 0
        $again.Summary[0].FilesTransferred | Should -Be 0
        $again.Summary[0].FilesSkipped | Should -Be 5
    }

    It 'takes -LiteralPath with wildcard characters in the folder name, and a folder piped from Get-Item' {
        $source = New-TestFolder @{ 'x.txt' = 10 }
        $literal = Join-Path (Split-Path $source) ("[1] " + (Split-Path $source -Leaf))
        Rename-Item -LiteralPath $source -NewName (Split-Path $literal -Leaf)
        $container = New-TestContainer $azurite 'literal'

        $out = Split-Output (Sync-AzBlob -LiteralPath $literal -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key)
        $out.Summary[0].FilesTransferred | Should -Be 1
        Get-OracleNames $azurite $container | Should -Be @('x.txt')

        $piped = New-TestFolder @{ 'p.txt' = 5 }
        $pipedContainer = New-TestContainer $azurite 'piped'
        Get-Item $piped | Sync-AzBlob -Destination (Get-TestContainerUrl $azurite $pipedContainer) -StorageAccountKey $key | Out-Null
        Get-OracleNames $azurite $pipedContainer | Should -Be @('p.txt')
    }

    It 'authorises with a SAS in the URL alone, and never shows its signature' {
        $source = New-TestFolder @{ 's.txt' = 10 }
        $container = New-TestContainer $azurite 'sas'
        $sasUrl = Get-OracleSasUrl $azurite $container
        $signature = [uri]::UnescapeDataString(($sasUrl -split '[?&]' | Where-Object { $_ -like 'sig=*' }).Substring(4))

        $everything = Sync-AzBlob -Path $source -Destination $sasUrl -Verbose *>&1 | Out-String -Width 400

        Get-OracleNames $azurite $container | Should -Be @('s.txt')
        $everything | Should -Not -BeNullOrEmpty
        $everything | Should -Not -Match ([regex]::Escape($signature))
        $everything | Should -Not -Match ([regex]::Escape([uri]::EscapeDataString($signature)))
    }
}

Describe 'Sync-AzBlob -SourceUri -Destination (download)' {
    It 'downloads a container into a new folder, byte for byte, and a rerun transfers nothing' {
        $seed = New-TestFolder $tree
        $container = New-TestContainer $azurite 'download'
        foreach ($file in Get-ChildItem $seed -Recurse -File) {
            Send-OracleBlob $azurite $container ([IO.Path]::GetRelativePath($seed, $file.FullName).Replace('\', '/')) $file.FullName
        }
        $destination = New-TestTempPath

        $first = Split-Output (Sync-AzBlob -SourceUri (Get-TestContainerUrl $azurite $container) -Destination $destination -StorageAccountKey $key)

        $first.Files.Action | Sort-Object -Unique | Should -Be 'Download'
        $first.Summary[0].FilesTransferred | Should -Be 5
        Assert-SameTree (Get-InventoryHashes $azurite $container) (Get-TreeHashes $destination)
        $again = Split-Output (Sync-AzBlob -SourceUri (Get-TestContainerUrl $azurite $container) -Destination $destination -StorageAccountKey $key)
        $again.Summary[0].FilesTransferred | Should -Be 0
    }
}

Describe 'Sync-AzBlob -SourceUri -DestinationUri (container to container)' {
    It 'mirrors one container into another server-side, deleting what the source lacks' {
        $seed = New-TestFolder @{ 'one.txt' = 10; 'two/three.bin' = 5000 }
        $source = New-TestContainer $azurite 'c2c-src'
        $target = New-TestContainer $azurite 'c2c-dst'
        Send-OracleBlob $azurite $source 'one.txt' (Join-Path $seed 'one.txt')
        Send-OracleBlob $azurite $source 'two/three.bin' (Join-Path $seed 'two' 'three.bin')
        Send-OracleBlob $azurite $target 'stale.txt' (Join-Path $seed 'one.txt')

        $out = Split-Output (Sync-AzBlob -SourceUri (Get-TestContainerUrl $azurite $source) -DestinationUri (Get-TestContainerUrl $azurite $target) `
                -StorageAccountKey $key -DeleteDestination -Confirm:$false)

        ($out.Files | Where-Object Action -eq 'Copy').Count | Should -Be 2
        ($out.Files | Where-Object Action -eq 'Delete').Blob | Should -Be 'stale.txt'
        $out.Summary[0].FilesDeleted | Should -Be 1
        Assert-SameTree (Get-InventoryHashes $azurite $source) (Get-InventoryHashes $azurite $target)
    }
}

Describe 'Sync-AzBlob -WhatIf, -Confirm and ShouldProcess' {
    BeforeAll {
        $source = New-TestFolder @{ 'keep.txt' = 10; 'new.txt' = 20 }
        $extraFile = Join-Path (New-TestFolder @{ 'x.txt' = 3 }) 'x.txt'
    }

    It '-WhatIf writes nothing, and says what it would have done' {
        $container = New-TestContainer $azurite 'whatif'
        Send-OracleBlob $azurite $container 'extra-1.txt' $extraFile
        Send-OracleBlob $azurite $container 'extra-2.txt' $extraFile

        $out = Split-Output (Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key -DeleteDestination -WhatIf)

        $out.Summary[0].DryRun | Should -BeTrue
        $out.Files.Status | Sort-Object -Unique | Should -Be 'WhatIf'
        ($out.Files | Where-Object Action -eq 'Upload').Path | Sort-Object | Should -Be @('keep.txt', 'new.txt')
        # Each deletion is listed on its own.
        ($out.Files | Where-Object Action -eq 'Delete').Path | Sort-Object | Should -Be @('extra-1.txt', 'extra-2.txt')
        Get-OracleNames $azurite $container | Should -Be @('extra-1.txt', 'extra-2.txt')
    }

    It 'asks ShouldProcess once per deletion, and -Confirm:$false deletes without prompting where $ConfirmPreference would' {
        $container = New-TestContainer $azurite 'confirm'
        Send-OracleBlob $azurite $container 'extra-1.txt' $extraFile
        Send-OracleBlob $azurite $container 'extra-2.txt' $extraFile
        $ConfirmPreference = 'Low'   # would prompt for everything (and fail: this pwsh is -NonInteractive)

        # ShouldProcess writes "Performing the operation ..." as verbose text for each call it approves.
        $all = Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key `
                -DeleteDestination -Confirm:$false -Verbose 4>&1
        $performing = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Performing the operation*' })

        @($performing | Where-Object Message -match 'extra-1\.txt').Count | Should -Be 1
        @($performing | Where-Object Message -match 'extra-2\.txt').Count | Should -Be 1
        Get-OracleNames $azurite $container | Should -Be @('keep.txt', 'new.txt')
        (Split-Output $all).Summary[0].FilesDeleted | Should -Be 2
    }

    It '-BlockSizeMB and -MemoryBudgetMB reach the engine: 1 MiB blocks within a 2 MiB budget, and a budget under 1 MiB is refused' {
        $folder = New-TestFolder @{}
        Write-TestFile (Join-Path $folder 'big.bin') -Size (3MB + 5) -Seed 7
        $container = New-TestContainer $azurite 'budget'
        $url = Get-TestContainerUrl $azurite $container

        $null = Sync-AzBlob -Path $folder -Destination $url -StorageAccountKey $key -BlockSizeMB 1 -MemoryBudgetMB 2 -Concurrency 8

        # Four blocks (3 of 1 MiB and the rest), read from the service's block list.
        (Invoke-Oracle $azurite committed-blocks $container 'big.bin') | Should -Be "$(1MB) $(1MB) $(1MB) 5"
        Assert-SameTree (Get-TreeHashes $folder) (Get-InventoryHashes $azurite $container)
        $err = $null
        try { Sync-AzBlob -Path $folder -Destination $url -StorageAccountKey $key -MemoryBudgetMB 0 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.Exception.Message | Should -Match 'at least 1 MiB'
    }

    It '-MaxDelete refuses a plan that deletes too much, deleting and uploading nothing' {
        $container = New-TestContainer $azurite 'maxdelete'
        Send-OracleBlob $azurite $container 'extra-1.txt' $extraFile
        Send-OracleBlob $azurite $container 'extra-2.txt' $extraFile
        $err = $null
        try {
            Sync-AzBlob -Path $source -Destination (Get-TestContainerUrl $azurite $container) -StorageAccountKey $key -DeleteDestination -MaxDelete 1 -Confirm:$false -ErrorAction Stop
        } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.MaxDeleteExceeded,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        # Before its first write: the two extras are all the container holds (no file was uploaded).
        @(Get-OracleNames $azurite $container) | Should -Be @('extra-1.txt', 'extra-2.txt')
    }
}
