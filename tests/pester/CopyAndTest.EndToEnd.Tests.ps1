#Requires -Version 7.4
<#
  Copy-AzBlob (files piped from Get-ChildItem, folders, downloads, between containers) and Test-AzBlobSync
  (differences, -Quiet) end to end against an Azurite this file starts; results read back by the oracle.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $azurite = Start-TestAzurite
    $key = Get-DevAccountKey
}

AfterAll {
    if ($azurite) { Stop-TestAzurite $azurite }
}

Describe 'Copy-AzBlob' {
    It 'copies the files Get-ChildItem pipes in, each to <prefix>/<name>, with the given content type' {
        $source = New-TestFolder @{ 'r1.pdf' = 1000; 'r2.pdf' = 2000; 'notes.txt' = 10 }
        $container = New-TestContainer $azurite 'copy-pipe'

        $out = Get-ChildItem $source -Filter *.pdf | Copy-AzBlob -Destination ((Get-TestContainerUrl $azurite $container 'reports') + '/') -StorageAccountKey $key -ContentType application/pdf

        @($out | Where-Object { $_ -is [AzBlobSync.JobSummary] }).Count | Should -Be 2   # one job per item piped in
        ($out | Where-Object { $_ -is [AzBlobSync.TransferResult] }).Status | Sort-Object -Unique | Should -Be 'Success'
        $inventory = Get-OracleInventory $azurite $container
        $inventory.name | Sort-Object | Should -Be @('reports/r1.pdf', 'reports/r2.pdf')
        $inventory.contentType | Sort-Object -Unique | Should -Be 'application/pdf'
        foreach ($blob in $inventory) { $blob.md5OfContent | Should -Be (Get-FileMd5Hex (Join-Path $source (Split-Path $blob.name -Leaf))) }
    }

    It 'copies a folder with -Recursive under its own name, and -WhatIf copies nothing' {
        $source = New-TestFolder @{ 'data/x.txt' = 10; 'data/y/z.txt' = 20 }
        $container = New-TestContainer $azurite 'copy-folder'
        $url = Get-TestContainerUrl $azurite $container

        Copy-AzBlob -Path (Join-Path $source 'data') -Destination $url -Recursive -StorageAccountKey $key -WhatIf | Out-Null
        @(Get-OracleNames $azurite $container).Count | Should -Be 0

        Copy-AzBlob -LiteralPath (Join-Path $source 'data') -Destination $url -Recursive -StorageAccountKey $key | Out-Null
        Assert-SameTree (Get-TreeHashes $source) (Get-InventoryHashes $azurite $container)
    }

    It 'downloads the blobs under a prefix (url/prefix/*) into a folder' {
        $seed = New-TestFolder @{ 'd1.txt' = 10; 'd2.txt' = 20 }
        $container = New-TestContainer $azurite 'copy-down'
        Send-OracleBlob $azurite $container 'in/d1.txt' (Join-Path $seed 'd1.txt')
        Send-OracleBlob $azurite $container 'in/d2.txt' (Join-Path $seed 'd2.txt')
        $destination = New-TestFolder

        Copy-AzBlob -SourceUri ((Get-TestContainerUrl $azurite $container 'in') + '/*') -Destination $destination -StorageAccountKey $key | Out-Null

        Assert-SameTree (Get-TreeHashes $seed) (Get-TreeHashes $destination)
    }

    It 'copies one blob to another container under a new name, server-side' {
        $seed = New-TestFolder @{ 'summary.pdf' = 4000 }
        $source = New-TestContainer $azurite 'copy-c2c-src'
        $target = New-TestContainer $azurite 'copy-c2c-dst'
        Send-OracleBlob $azurite $source 'reports/summary.pdf' (Join-Path $seed 'summary.pdf')

        Copy-AzBlob -SourceUri (Get-TestContainerUrl $azurite $source 'reports/summary.pdf') -DestinationUri (Get-TestContainerUrl $azurite $target 'summary-2026.pdf') -StorageAccountKey $key | Out-Null

        (Get-InventoryHashes $azurite $target)['summary-2026.pdf'] | Should -Be (Get-FileMd5Hex (Join-Path $seed 'summary.pdf'))
    }
}

Describe 'Test-AzBlobSync' {
    BeforeAll {
        $source = New-TestFolder @{ 'same.txt' = 10; 'changed.txt' = 20; 'missing.txt' = 30 }
        $container = New-TestContainer $azurite 'check'
        $url = Get-TestContainerUrl $azurite $container
        Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -Include 'same.txt', 'changed.txt' | Out-Null
        Set-Content -LiteralPath (Join-Path $source 'changed.txt') -Value 'a different size now'
        Send-OracleBlob $azurite $container 'extra.txt' (Join-Path $source 'same.txt')
        $before = Get-OracleInventory $azurite $container
    }

    It 'reports each difference with its kind, and writes nothing' {
        $differences = @(Test-AzBlobSync -Path $source -Destination $url -StorageAccountKey $key)

        ($differences | ForEach-Object { "$($_.Kind):$($_.Path)" } | Sort-Object) | Should -Be @('Changed:changed.txt', 'Extra:extra.txt', 'Missing:missing.txt')
        (Get-OracleInventory $azurite $container | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It '-Quiet says $false when they differ and $true once a sync has run' {
        Test-AzBlobSync -Path $source -Destination $url -StorageAccountKey $key -Quiet | Should -BeFalse
        Sync-AzBlob -Path $source -Destination $url -StorageAccountKey $key -DeleteDestination -Confirm:$false | Out-Null
        Test-AzBlobSync -Path $source -Destination $url -StorageAccountKey $key -Quiet | Should -BeTrue
        @(Test-AzBlobSync -Path $source -Destination $url -StorageAccountKey $key).Count | Should -Be 0
    }
}
